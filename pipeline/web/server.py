"""Starting the workbench under uvicorn (one process; the work runs in its worker pools)."""
from __future__ import annotations

from pipeline.web.config import Settings


def serve(settings: Settings) -> int:
    import uvicorn

    from pipeline.web.app import create_app

    app = create_app(settings)  # refuses an open address without users, before listening
    print(f"gongwen workbench on http://{settings.host}:{settings.port}/ (data in "
          f"{settings.data}; {'login required' if settings.needs_login else 'local only'})",
          flush=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning",
                proxy_headers=False, timeout_graceful_shutdown=5)
    return 0
