"""Project-wide pytest rules.

- No test of ours may be skipped silently: a skipped test fails the run.
- Odoo's HttpCase under pytest-odoo: pytest-odoo starts Odoo without its HTTP server and
  odoo.tests.common.PORT was read as 8069 before the config was parsed, so HttpCase would
  talk to whatever serves :8069 on this machine.  Serve this process's registry on a free
  local port instead and point the test helpers at it.
"""
import socket

import pytest


def free_port():
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


@pytest.fixture(scope='session', autouse=True)
def odoo_http_for_httpcase():
    import odoo
    if not odoo.tools.config.get('db_name'):
        yield
        return
    import odoo.tests.common as common
    port = free_port()
    odoo.tools.config['http_port'] = port
    odoo.tools.config['http_interface'] = '127.0.0.1'
    common.PORT = port
    server = odoo.service.server.server
    if server is not None and not getattr(server, 'httpd', None):
        # the server read its port from the config when it was built: bind the free one
        server.interface = '127.0.0.1'
        server.port = port
        server.http_spawn()
    yield


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin('terminalreporter')
    skipped = reporter.stats.get('skipped', []) if reporter else []
    if skipped and session.exitstatus == 0:
        reporter.write_line(
            'FAILED: %d test(s) skipped; make test allows no skipped test' % len(skipped),
            red=True)
        session.exitstatus = 1
