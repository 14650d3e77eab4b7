"""`gongwen serve`: the office workbench, the pipeline's stages behind server-rendered pages.

The pages hold no document logic: every action calls the same public function the command
line calls (build, import, check, register, certificates); see app.py for the routes.
"""
