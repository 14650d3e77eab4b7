"""Certificates as PDF: rendered by WeasyPrint in chunks on every core, split into one file
per person and joined into one merged file for printing by qpdf.

One WeasyPrint document of N pages costs far less than N documents (font subsetting and
setup happen once per document), so people are rendered in chunks; a chunk's pages are then
split by qpdf (C++), which is several times faster than doing it in Python.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from pipeline.certificates.design import Design
from pipeline.certificates.plan import CertificatePlan
from pipeline.certificates.records import Certificate
from pipeline.errors import GongwenError
from pipeline.writers.atomic import die_with_parent

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates" / "certificates"
CHUNK = 50  # people per WeasyPrint document: small font subsets per file, little overhead
_BUILTIN_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                                  trim_blocks=True, lstrip_blocks=True,
                                  undefined=jinja2.StrictUndefined)
_USER_ENV = SandboxedEnvironment(autoescape=True)  # a user's template: data only, no code
_STYLE = re.compile(r"<style[^>]*>.*?</style>", re.S | re.I)


@dataclass
class Job:
    """What a worker process needs to render one chunk (picklable); the HTML is made in the
    worker, so composing pages runs on every core too."""
    certs: list[Certificate]
    plan: CertificatePlan
    design: Design | None
    roles: dict[str, str]
    target: str
    base_dir: str
    underlay: str = ""  # a one-page PDF stamped under every page (the static design)
    pages: tuple[str, ...] = ()  # where each page goes as a file of its own (none: keep whole)
    user_template: Path | None = None
    seal_png: bytes | None = None
    calibration: bool = False
    static: Design | None = None  # the design part to render into `underlay` if it is missing

    def html(self) -> str:
        return page_html(self.certs, self.plan, self.design, self.roles, seal_png=self.seal_png,
                         user_template=self.user_template, calibration=self.calibration)


def page_html(certs: list[Certificate], plan: CertificatePlan, design: Design | None,
              roles: dict[str, str], *, seal_png: bytes | None = None,
              user_template: Path | None = None, calibration: bool = False) -> str:
    """The HTML of a chunk of certificates; `roles` holds each font role's CSS family list."""
    if design is None:
        return _user_html(certs, plan, roles, user_template)
    seal = _seal(plan, design, seal_png) if design.seal_centre else None
    return _BUILTIN_ENV.get_template("certificate.html.j2").render(
        certificates=certs, boxes=design.boxes, page=design.page_mm, frame=design.frame,
        seal=seal, roles=roles, title=plan.title, organ=plan.organ,
        calibration=calibration)


SEAL_FILE = "seal.png"  # written beside each chunk: one URL, so WeasyPrint decodes it once


def _seal(plan: CertificatePlan, design: Design, png: bytes | None):
    if not png:
        return None
    d = plan.seal_size_mm
    return {"src": SEAL_FILE, "left": design.seal_centre[0] - d / 2,
            "top": design.seal_centre[1] - d / 2, "size": d}


def _user_html(certs, plan, roles, template_path: Path) -> str:
    source = Path(template_path).read_text("utf-8")
    try:
        template = _USER_ENV.from_string(source)
    except jinja2.TemplateSyntaxError as exc:
        raise GongwenError(f"design template: {exc.message}", file=template_path,
                           line=exc.lineno) from None
    width, height = plan.overprint.paper_mm
    pages, styles = [], []
    for c in certs:
        try:
            html = template.render(**c.fields)
        except jinja2.exceptions.SecurityError:
            raise GongwenError("the design template tried to reach something outside the "
                               "certificate's data", file=template_path) from None
        except jinja2.UndefinedError as exc:
            raise GongwenError(f"design template: {exc.message}", file=template_path) from None
        if not styles:
            styles = _STYLE.findall(html)
        pages.append(f'<section class="page">{_STYLE.sub("", html)}</section>')
    body_font = roles["kai"]
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            f'<style>@page {{ size: {width}mm {height}mm; margin: 0 }} '
            f'.page {{ position: relative; width: {width}mm; height: {height}mm; '
            f'overflow: hidden; break-after: page }} body {{ margin: 0; font-family: '
            f'{body_font} }}</style>{"".join(styles)}</head><body>{"".join(pages)}</body></html>')


def _fetcher_for(base_dir: str):
    """Resources a page may load: embedded data, and files inside the design's own folder —
    a design cannot read /etc/passwd or call the network."""
    from weasyprint.urls import URLFetcher

    base = Path(base_dir).resolve()

    class DesignFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("file://"):
                path = Path(url[len("file://"):].split("?")[0]).resolve()
                if base not in path.parents:
                    raise ValueError(f"the design may not load {url}")
            elif not url.startswith("data:"):
                raise ValueError(f"the design may not load {url}")
            return super().fetch(url, headers)

    return DesignFetcher()


def render_job(job: Job) -> dict[str, str]:
    """In a worker: one chunk → PDF (and a file per page). Returns {file: SHA-256} of the
    files per person, hashed here rather than by the main process afterwards."""
    from weasyprint import HTML

    from pipeline.writers.pdf import font_config

    if job.underlay and not Path(job.underlay).exists():
        # the first chunk on each worker renders the static page; the main process never
        # loads WeasyPrint, and two workers racing both write a whole file, renamed in place
        mine = f"{job.underlay}.{os.getpid()}.pdf"
        render_job(Job(job.certs[:1], job.plan, job.static, job.roles, mine, job.base_dir,
                       seal_png=job.seal_png))
        os.replace(mine, job.underlay)
    document = HTML(string=job.html(), base_url=job.base_dir + "/",
                    url_fetcher=_fetcher_for(job.base_dir)).render(font_config=font_config())
    # the chunk stays bare: the merged file gets the static page stamped in the same qpdf run
    # that joins the chunks, the per-person files in the run that splits them
    document.write_pdf(job.target)
    if not job.pages:
        return {}
    split(Path(job.target), [Path(p) for p in job.pages], job.underlay)
    return {p: hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in job.pages}


def render_chunks(jobs: Iterable[Job], total: int, record, workers: int | None = None,
                  progress=None) -> list[str]:
    """Render every chunk on every core, the jobs made as the workers need them; record(cert,
    SHA-256) for each file per person. Returns the chunks' files, in order."""
    from pipeline.certificates.spool import in_order

    workers = workers or os.cpu_count() or 1
    pool = None
    if workers > 1 and total > 1:
        pool = ProcessPoolExecutor(max_workers=workers, initializer=die_with_parent)
    sent: deque = deque()  # each job until its result is back

    def tasks():
        for job in jobs:
            sent.append(job)
            yield job

    targets = []
    try:
        for i, result in enumerate(in_order(pool, render_job, tasks(), 2 * workers), start=1):
            job = sent.popleft()
            targets.append(job.target)
            for cert, page in zip(job.certs, job.pages):
                record(cert, result[page])
            if progress:
                progress(i, total)
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)
    return targets


def _qpdf() -> str:
    qpdf = shutil.which("qpdf")
    if not qpdf:
        raise GongwenError("qpdf is not installed; run the README's setup command")
    return qpdf


def _underlay(underlay: str) -> list[str]:
    return ["--underlay", underlay, "--repeat=1", "--"] if underlay else []


def split(chunk: Path, targets: list[Path], underlay: str = "") -> None:
    """Page i of chunk → targets[i], with the underlay's page stamped under each."""
    with tempfile.TemporaryDirectory(dir=chunk.parent) as tmp:
        subprocess.run([_qpdf(), str(chunk), *_underlay(underlay), "--split-pages",
                        f"{tmp}/p-%d.pdf"], check=True, capture_output=True)
        pages = sorted(Path(tmp).glob("p-*.pdf"), key=lambda p: int(p.stem.split("-")[1]))
        if len(pages) != len(targets):
            raise GongwenError(f"{chunk.name}: {len(pages)} pages for {len(targets)} people; "
                               "a design must give each person exactly one page")
        for page, target in zip(pages, targets):
            os.replace(page, target)


def merge(sources: Iterable, target: Path, underlay: str = "") -> None:
    """Join PDFs in order, the underlay's page stamped under each (an argument file keeps
    10,000 names off the command line, written as the names come)."""
    with tempfile.NamedTemporaryFile("w", suffix=".args", dir=target.parent, delete=False,
                                     encoding="utf-8") as args:
        try:  # the names come from the spool: an error there leaves no argument file
            args.write("--empty\n--pages\n")
            for source in sources:
                args.write(f"{source}\n")
            args.write("\n".join(["--", *_underlay(underlay), str(target)]) + "\n")
            args.close()
            subprocess.run([_qpdf(), f"@{args.name}"], check=True, capture_output=True)
        finally:
            os.unlink(args.name)


def page_count(path: Path) -> int:
    out = subprocess.run([_qpdf(), "--show-npages", str(path)], check=True,
                         capture_output=True, text=True).stdout
    return int(out.strip())
