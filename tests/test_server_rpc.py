"""An integrator's first steps over XML-RPC: log in and see the returns desk installed."""


def test_both_addons_installed(admin_rpc):
    modules = admin_rpc.call(
        'ir.module.module', 'search_read',
        [('name', 'in', ['overseas_returns', 'overseas_returns_reports'])],
        fields=['name', 'state'])
    assert {m['name']: m['state'] for m in modules} == {
        'overseas_returns': 'installed', 'overseas_returns_reports': 'installed'}


def test_wrong_password_is_refused(odoo_server):
    import xmlrpc.client
    common = xmlrpc.client.ServerProxy(odoo_server.url + '/xmlrpc/2/common')
    assert common.authenticate(odoo_server.db, 'admin', 'not-the-password', {}) is False


def test_reasons_readable_over_rpc(admin_rpc):
    reasons = admin_rpc.call('overseas.return.reason', 'search_read',
                             [('code', '=', 'damaged_in_transit')],
                             fields=['name', 'fault_party', 'category_id'])
    assert len(reasons) == 1
    assert reasons[0]['fault_party'] == 'carrier'
