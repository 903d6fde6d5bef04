"""Shared plumbing of the benchmarks that talk to a real server.

One way to start a server of a database (threaded or in the multi-process profile,
with queue_job's runner) on free ports, and the three ways users log in to it:

* ``xmlrpc_login``: an integration over XML-RPC (``/xmlrpc/2``);
* ``web_login``: the web client (a handheld scanner, the back office) with a session
  cookie, calling models through ``/web/dataset/call_kw`` as the browser's ``_rpc`` does;
* ``portal_login``: a portal customer through the ``/web/login`` form (CSRF token).

Used by scripts/bench_import.py and scripts/bench_load.py. Needs ``requests``.
"""
import itertools
import os
import re
import socket
import subprocess
import time
import xmlrpc.client

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


class Server(object):
    """A server of one database on free ports, as a context manager.

    ``workers`` > 0 is the multi-process profile of a production node (HTTP workers, a
    longpolling process, ``max_cron_threads`` cron workers, queue_job's runner, which
    odoo.conf's ``server_wide_modules`` loads). ``env`` adds environment variables (e.g.
    ``ODOO_QUEUE_JOB_CHANNELS``); ``options`` adds command-line options. The server's
    output goes to ``.data/<log_name>``. On entry, waits until it answers (and, when
    ``warm``, asks each worker once for the login page so assets are built outside any
    measure); on exit, stops it.
    """

    def __init__(self, database, config, workers=0, max_cron_threads=0,
                 log_name='bench-server.log', env=None, options=(), warm=False,
                 start_timeout=180):
        self.database, self.config, self.workers = database, config, workers
        self.max_cron_threads, self.log_name = max_cron_threads, log_name
        self.env, self.options, self.warm = env, list(options), warm
        self.start_timeout = start_timeout
        self.port = free_port()
        self.url = 'http://127.0.0.1:%d' % self.port
        self.process = None
        self.log = None

    @property
    def log_path(self):
        return os.path.join(ROOT, '.data', self.log_name)

    def start(self):
        os.makedirs(os.path.join(ROOT, '.data'), exist_ok=True)
        env = dict(os.environ)
        env.update(self.env or {})
        command = [os.path.join(ROOT, '.venv', 'bin', 'odoo'), '-c', self.config,
                   '-d', self.database, '--db-filter', '^%s$' % self.database,
                   '--http-interface', '127.0.0.1', '--http-port', str(self.port),
                   '--longpolling-port', str(free_port()),
                   '--workers', str(self.workers),
                   '--max-cron-threads', str(self.max_cron_threads),
                   '--log-level', 'warn'] + self.options
        self.log = open(self.log_path, 'w')
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        deadline = time.time() + self.start_timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError('the server stopped at its start (see %s)'
                                   % self.log_path)
            try:
                requests.get(self.url + '/web/login', timeout=30).raise_for_status()
                break
            except (requests.RequestException, OSError):
                if time.time() > deadline:
                    raise RuntimeError('the server did not answer in %d s (see %s)'
                                       % (self.start_timeout, self.log_path))
                time.sleep(0.2)
        if self.warm:
            # the first requests build the assets and load the registry in each worker
            for _i in range(max(1, self.workers) * 2):
                requests.get(self.url + '/web/login', timeout=300)
        return self

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log is not None:
            self.log.close()
            self.log = None

    def cpu_seconds(self):
        """CPU seconds used so far by the server's processes and by the PostgreSQL
        backends of its database (those alive now): what the requests cost, apart from
        the time they waited for a CPU on a shared machine."""
        import psutil
        total = 0.0
        try:
            main = psutil.Process(self.process.pid)
            processes = [main] + main.children(recursive=True)
        except psutil.NoSuchProcess:
            processes = []
        marker = ' %s ' % self.database
        for process in psutil.process_iter(['cmdline']):
            cmdline = ' '.join(process.info['cmdline'] or [])
            if cmdline.startswith('postgres: ') and marker in cmdline + ' ':
                processes.append(process)
        for process in processes:
            try:
                times = process.cpu_times()
                total += times.user + times.system
            except psutil.NoSuchProcess:
                pass
        return total

    def errors_logged(self):
        """The server's ERROR/CRITICAL lines (and the tracebacks' last lines)."""
        with open(self.log_path) as log:
            lines = log.read().splitlines()
        return [line for line in lines
                if re.match(r'^\S+ \S+ \d+ (ERROR|CRITICAL) ', line)]

    def __enter__(self):
        try:
            return self.start()
        except Exception:
            self.stop()
            raise

    def __exit__(self, *exc_info):
        self.stop()


def xmlrpc_login(url, database, login, password):
    """``call(model, method, *args, **kwargs)`` over XML-RPC as that user (a fault
    raises ``xmlrpc.client.Fault``)."""
    uid = xmlrpc.client.ServerProxy(url + '/xmlrpc/2/common').authenticate(
        database, login, password, {})
    if not uid:
        raise RuntimeError('XML-RPC login refused for %s' % login)
    models = xmlrpc.client.ServerProxy(url + '/xmlrpc/2/object', allow_none=True)

    def call(model, method, *args, **kwargs):
        return models.execute_kw(database, uid, password, model, method, list(args),
                                 kwargs)
    call.uid = uid
    return call


class RpcError(Exception):
    """A JSON-RPC answer with an error (the web client would show it)."""


class WebSession(object):
    """A web-client session: ``/web/session/authenticate``, then JSON-RPC calls with
    the session cookie (JSON routes take no CSRF token)."""

    def __init__(self, url, database, login, password, timeout=120):
        self.url, self.timeout = url, timeout
        self.http = requests.Session()
        self.ids = itertools.count(1)
        info = self.json('/web/session/authenticate', {
            'db': database, 'login': login, 'password': password})
        if not info or not info.get('uid'):
            raise RuntimeError('web login refused for %s' % login)
        self.uid = info['uid']
        self.context = info.get('user_context') or {}

    def json(self, path, params):
        answer = self.http.post(self.url + path, timeout=self.timeout, json={
            'jsonrpc': '2.0', 'method': 'call', 'params': params, 'id': next(self.ids)})
        answer.raise_for_status()
        body = answer.json()
        if body.get('error'):
            error = body['error']
            data = error.get('data') or {}
            raise RpcError('%s: %s' % (data.get('name') or error.get('message'),
                                       data.get('message') or error))
        return body.get('result')

    def call(self, model, method, *args, **kwargs):
        """A model method as the web client's ``_rpc`` calls it."""
        kwargs.setdefault('context', self.context)
        return self.json('/web/dataset/call_kw/%s/%s' % (model, method), {
            'model': model, 'method': method, 'args': list(args), 'kwargs': kwargs})


def web_login(url, database, login, password, timeout=120):
    return WebSession(url, database, login, password, timeout=timeout)


def portal_login(url, database, login, password, redirect='/my', timeout=120):
    """A ``requests.Session`` logged in through the ``/web/login`` form, as a browser.

    Odoo 11 answers a good login with a page whose script goes to ``redirect`` (an HTTP
    redirect for Firefox only), and a bad one with the form again: the login succeeded
    when ``redirect`` then opens without being sent back to the login page.
    """
    session = requests.Session()
    page = session.get(url + '/web/login', timeout=timeout)
    page.raise_for_status()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    if not token:
        raise RuntimeError('no CSRF token on the login page')
    answer = session.post(url + '/web/login', timeout=timeout, data={
        'login': login, 'password': password, 'csrf_token': token.group(1),
        'db': database, 'redirect': redirect})
    answer.raise_for_status()
    if 'name="password"' in answer.text:
        raise RuntimeError('portal login refused for %s' % login)
    landing = session.get(url + redirect, timeout=timeout)
    landing.raise_for_status()
    if '/web/login' in landing.url:
        raise RuntimeError('portal login of %s kept no session' % login)
    return session
