"""``xxgk-audit app``: the audit notebook as a web app (Voilà) that only its user can reach.

Voilà serves ``audit_report.ipynb`` (found by :func:`xxgk_audit.memo.find_notebook`) on 127.0.0.1,
hardened against the browser's other tabs and the network:

* **Host and Origin.** Every handler is registered for the local host names only (127.0.0.1,
  localhost, [::1]) and the Jupyter host check stays on (``allow_remote_access`` off): a page
  on another site that rebinds its DNS name to 127.0.0.1 gets 404/403, never the app. A request
  whose ``Origin`` is another site is refused (the page itself too, not only the API).
* **Token.** A random token is required (``secrets.token_urlsafe``), printed with the URL as
  Jupyter does; it is given to Voilà in-process, never on a command line others could read.
  The first visit with ``?token=…`` sets the login cookie.
* **Files.** The kernels get ``$XXGK_AUDIT_ROOTS``: the app opens and lists reports only inside the
  project's ``data/`` and ``reports/`` (and the memo folder and inbox) and the folders given with
  ``--allow`` — checked in the library (:func:`xxgk_audit.paths.check_allowed`), links followed.
  Voilà's own file route serves nothing.
* **Kernels.** Each page load starts a kernel (~120 MB). Idle kernels are culled
  (``MappingKernelManager.cull_idle_timeout``, ``cull_interval``, ``cull_connected``: a tab left
  open and idle that long loses its kernel too; verdicts are saved as they are given, a reload
  starts a new one), and at most ``--max-kernels`` run at once (a further page load gets 503).
  Closing a tab shuts its kernel down at once: the page now has the ``_xsrf`` cookie its
  ``beforeunload`` request sends (without it that request got 403 and the kernel lived on).
* **Offline.** The page template leaves out every stylesheet and script from another machine,
  and a Content-Security-Policy lets the page load nothing but the app's own resources.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import sys
from pathlib import Path

from .paths import ROOTS_ENV, default_roots

DEFAULT_PORT = 8866
DEFAULT_IDLE_SECONDS = 1800
DEFAULT_CULL_INTERVAL = 60
DEFAULT_MAX_KERNELS = 4
LOCAL_HOSTS = r"(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$"
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates" / "voila_app"
_REMOTE = re.compile(r"""<(link|script)\b[^>]*\b(href|src)\s*=\s*["']?\s*(https?:)?//[^>]*>(\s*</script>)?""", re.I)


def local_only(html: str) -> str:
    """The page markup without ``<link>`` or ``<script>`` elements that load from another machine."""
    return _REMOTE.sub("", str(html))


def content_security_policy(port: int) -> str:
    sockets = " ".join(f"ws://{host}:{port}" for host in ("127.0.0.1", "localhost"))
    return (
        "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' {sockets}; worker-src 'self' blob:; "
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
    )


def capped_kernel_manager():
    """The kernel manager class: jupyter_server's, with a cap on how many kernels run."""
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
    from tornado import web
    from traitlets import Integer

    class CappedKernelManager(AsyncMappingKernelManager):
        max_kernels = Integer(DEFAULT_MAX_KERNELS, config=True, help="How many kernels (one per open page) may run at once.")

        async def start_kernel(self, *args, kernel_id=None, **kwargs):
            if kernel_id is None and len(self.list_kernel_ids()) >= self.max_kernels:
                await self.cull_kernels()  # kernels idle beyond the timeout go first
                if len(self.list_kernel_ids()) >= self.max_kernels:
                    raise web.HTTPError(503, reason="Too many open pages", log_message=f"{self.max_kernels} kernels already run")
            return await super().start_kernel(*args, kernel_id=kernel_id, **kwargs)

    return CappedKernelManager


def build_app(notebook: Path, token: str, port: int, idle_seconds: int, cull_interval: int, max_kernels: int):
    """A configured (not yet started) Voilà application serving ``notebook``."""
    from tornado import web
    from traitlets.config import Config
    from voila.app import Voila
    from voila.tornado.handler import TornadoVoilaHandler

    class AuditPage(TornadoVoilaHandler):
        """The page: no foreign Origin, and the ``_xsrf`` cookie its close request needs."""

        async def prepare(self, *args, **kwargs):
            origin = self.request.headers.get("Origin")
            if origin is not None and origin.lower().split("://", 1)[-1] != (self.request.host or "").lower():
                raise web.HTTPError(403, "cross-origin request")
            result = super().prepare(*args, **kwargs)
            if result is not None:
                await result
            self.xsrf_token  # noqa: B018 - sets the _xsrf cookie

    class AuditVoila(Voila):
        name = "xxgk-audit-app"

        def setup_template_dirs(self):
            super().setup_template_dirs()
            self.template_paths.insert(0, str(TEMPLATE_DIR))

        def init_settings(self):
            settings = super().init_settings()
            settings["voila_jinja2_env"].filters["xxgk_local_only"] = local_only
            settings["allow_remote_access"] = False
            settings["local_hostnames"] = ["localhost"]
            return settings

        def init_handlers(self):
            return [(pattern, AuditPage, *rest) if handler is TornadoVoilaHandler else (pattern, handler, *rest) for pattern, handler, *rest in super().init_handlers()]

        def start(self):  # Voilà's start(), with the handlers bound to the local host names only
            import tempfile

            import tornado.web

            self.connection_dir = tempfile.mkdtemp(prefix="voila_", dir=self.connection_dir_root)
            self.app = tornado.web.Application(**self.init_settings())
            self.app.settings.update(self.tornado_settings)
            self.app.add_handlers(LOCAL_HOSTS, self.init_handlers())
            self.listen()

    config = Config()
    config.Voila.ip = "127.0.0.1"
    config.Voila.port = port
    config.Voila.port_retries = 0
    config.Voila.open_browser = False
    config.Voila.token = token
    config.Voila.tornado_settings = {
        "allow_remote_access": False,
        "local_hostnames": ["localhost"],
        "headers": {"Content-Security-Policy": content_security_policy(port), "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff"},
    }
    config.VoilaConfiguration.template = "lab"
    config.VoilaConfiguration.allow_template_override = "NO"
    config.VoilaConfiguration.file_allowlist = []
    config.VoilaConfiguration.multi_kernel_manager_class = capped_kernel_manager()
    config.VoilaExporter.filters = {"xxgk_local_only": local_only}
    config.MappingKernelManager.cull_idle_timeout = idle_seconds
    config.MappingKernelManager.cull_interval = cull_interval
    config.MappingKernelManager.cull_connected = True
    config.MappingKernelManager.cull_busy = False
    config.CappedKernelManager.max_kernels = max_kernels
    app = AuditVoila(config=config)
    app.initialize([str(notebook)])
    return app


def _folders(values: list[str]) -> list[Path]:
    folders = []
    for value in values:
        path = Path(os.path.expanduser(value))
        if not path.is_dir():
            raise argparse.ArgumentTypeError(f"--allow {value}：不是已有的文件夹")
        folders.append(path.resolve())
    return folders


def cmd_app(args) -> int:
    from .errors import InputError
    from .exitcodes import EXIT_OK, EXIT_UNREADABLE
    from .memo import find_notebook

    try:
        import voila  # noqa: F401
    except ImportError:
        print("xxgk-audit app: 需要 Voilà：请先运行 pip install -e \".[app]\"（或 make app）", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        notebook = find_notebook()
        extra = _folders(args.allow or [])
    except InputError as exc:
        print(f"xxgk-audit app: {exc.reason}", file=sys.stderr)
        return EXIT_UNREADABLE
    except argparse.ArgumentTypeError as exc:
        print(f"xxgk-audit app: 参数错误：{exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    roots = default_roots() + [f for f in extra if f not in default_roots()]
    os.environ[ROOTS_ENV] = os.pathsep.join(str(r) for r in roots)  # the kernels inherit it
    token = secrets.token_urlsafe(32)
    app = build_app(notebook, token, args.port, args.idle_timeout, args.cull_interval, args.max_kernels)

    def announce() -> None:
        url = f"http://127.0.0.1:{app.port}/?token={token}"
        print(f"审核应用已启动：{url}", flush=True)
        print(f"  只能在本机打开（需要上面的令牌）。可打开报告的文件夹：{'、'.join(str(r) for r in roots)}", flush=True)
        print(f"  闲置 {args.idle_timeout} 秒的页面会关闭其内核；最多同时打开 {args.max_kernels} 个页面。按 Ctrl+C 停止。", flush=True)

    from tornado.ioloop import IOLoop

    IOLoop.current().add_callback(announce)
    try:
        app.start()
    except OSError as exc:
        print(f"xxgk-audit app: 无法在 127.0.0.1:{args.port} 上启动（{exc.strerror or exc}）：请用 --port 换一个端口", file=sys.stderr)
        return EXIT_UNREADABLE
    except SystemExit as exc:  # Voilà exits when the port is taken
        return EXIT_UNREADABLE if exc.code else EXIT_OK
    return EXIT_OK
