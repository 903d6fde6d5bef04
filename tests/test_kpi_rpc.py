"""The KPI method over real XML-RPC: a returns manager gets plain values a connector can
read; a portal user gets a Fault, not the company's figures."""
import time
import xmlrpc.client

import pytest


def _user(admin_rpc, login, group_xmlids):
    groups = [admin_rpc.call('ir.model.data', 'xmlid_to_res_id', xmlid)
              for xmlid in group_xmlids]
    admin_rpc.call('res.users', 'create', {
        'name': login, 'login': login, 'password': 'kpi-pass',
        'groups_id': [(6, 0, groups)]})
    return admin_rpc.server.rpc(login, 'kpi-pass')


def test_portal_user_gets_a_fault_for_the_kpis(admin_rpc):
    stamp = int(time.time() * 1000)
    portal = _user(admin_rpc, 'kpi-portal-%d@example.com' % stamp, ['base.group_portal'])
    with pytest.raises(xmlrpc.client.Fault) as refused:
        portal.call('overseas.return.kpi', 'compute_kpis', '2026-01-01', '2026-12-31')
    assert 'Only returns managers' in refused.value.faultString
    # the helpers behind it are private: not callable remotely at all
    with pytest.raises(xmlrpc.client.Fault) as private:
        portal.call('overseas.return.kpi', '_kpi_aging', 1, '2026-12-31 00:00:00')
    assert 'Private methods' in private.value.faultString
    with pytest.raises(xmlrpc.client.Fault):
        portal.call('overseas.return.rate.report', 'init', [])


def test_manager_gets_plain_values_and_clear_errors(admin_rpc):
    stamp = int(time.time() * 1000)
    manager = _user(admin_rpc, 'kpi-manager-%d' % stamp, [
        'base.group_user', 'overseas_returns.group_returns_manager'])
    kpis = manager.call('overseas.return.kpi', 'compute_kpis', '2026-01-01', '2026-12-31')
    assert kpis['date_from'] == '2026-01-01'
    assert isinstance(kpis['return_rate'], float)
    assert [row['bucket'] for row in kpis['aging']][-1] == '61_plus'
    with pytest.raises(xmlrpc.client.Fault) as bad:
        manager.call('overseas.return.kpi', 'compute_kpis', '2026-01-01', 'tomorrow')
    assert 'is not a date' in bad.value.faultString
