"""Who may do what, from the outside: every profile tries every operation over XML-RPC
(JSON-RPC for some) against a running server, and is allowed or refused exactly as the
README's table says. ``MATRIX`` is that table: the README shows it rendered by
``render_matrix()`` and ``test_readme_shows_the_enforced_matrix`` keeps both equal.

An allowed call must do what it says (read back as admin); a refused call must answer a
clear AccessError-like fault and change nothing.
"""
import base64
import os
import xmlrpc.client

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PROFILES = ('portal', 'inventory', 'returns_user', 'returns_manager', 'billing', 'salesman')
PROFILE_LABELS = {
    'portal': 'portal customer', 'inventory': 'inventory user only',
    'returns_user': 'returns user', 'returns_manager': 'returns manager',
    'billing': 'billing (invoicing)', 'salesman': 'salesman'}
YES, NO, OWN = 'yes', 'no', 'own'
CELL = {YES: '✓', NO: '—', OWN: 'own'}


def _row(portal=NO, inventory=NO, returns_user=NO, returns_manager=NO, billing=NO,
         salesman=NO):
    return dict(portal=portal, inventory=inventory, returns_user=returns_user,
                returns_manager=returns_manager, billing=billing, salesman=salesman)


# (operation, label in the README, protocol, {profile: YES / NO / OWN})
MATRIX = [
    ('read_own', "read a return of the portal customer (`overseas.return.order` read)",
     'xmlrpc', _row(portal=OWN, returns_user=YES, returns_manager=YES, billing=YES,
                    salesman=YES)),
    ('read_other', "read another customer's return", 'jsonrpc',
     _row(returns_user=YES, returns_manager=YES, billing=YES, salesman=YES)),
    ('write_note', "write a draft return's internal note", 'xmlrpc',
     _row(returns_user=YES, returns_manager=YES)),
    ('create', 'create a return (`create`)', 'xmlrpc',
     _row(returns_user=YES, returns_manager=YES)),
    ('approve', 'approve (`action_approve`)', 'jsonrpc', _row(returns_manager=YES)),
    ('receive', 'receive (`action_receive`)', 'xmlrpc',
     _row(returns_user=YES, returns_manager=YES)),
    ('restocking_fee', 'set the restocking fee of a return', 'xmlrpc',
     _row(returns_manager=YES)),
    ('refund', 'create a credit note (`action_create_refund`)', 'xmlrpc', _row(billing=YES)),
    ('kpis', 'KPIs (`overseas.return.kpi` `compute_kpis`)', 'jsonrpc',
     _row(returns_manager=YES)),
    ('scan', 'scan at the scanner (`overseas.return.scanner` `scan`)', 'xmlrpc',
     _row(returns_user=YES, returns_manager=YES)),
    ('import', 'import a manifest (`overseas.return.import` `action_import`)', 'xmlrpc',
     _row(returns_user=YES, returns_manager=YES)),
    ('configure', 'edit configuration (a return reason)', 'xmlrpc',
     _row(returns_manager=YES)),
]


def render_matrix():
    """The README's table of MATRIX (markdown)."""
    lines = ['| operation (tests/test_attack_matrix.py) | %s |'
             % ' | '.join(PROFILE_LABELS[p] for p in PROFILES),
             '| --- |%s' % (' --- |' * len(PROFILES))]
    for _op, label, _via, expected in MATRIX:
        lines.append('| %s | %s |' % (label, ' | '.join(CELL[expected[p]] for p in PROFILES)))
    return '\n'.join(lines)


def test_readme_shows_the_enforced_matrix():
    with open(os.path.join(ROOT, 'README.md'), encoding='utf-8') as readme:
        text = readme.read()
    assert render_matrix() in text, 'README.md must show:\n' + render_matrix()
    assert 'tests/test_attack_matrix.py' in text


# ---------------------------------------------------------------------- operations
# each takes (kit, api of the profile, user) and answers (error or None, done): whether the
# call raised, and whether its effect is there when admin reads it back

def _attempt(call):
    try:
        call()
    except (xmlrpc.client.Fault, Exception) as error:  # noqa: B014 (JsonRpcError)
        if isinstance(error, (xmlrpc.client.ProtocolError, ConnectionError)):
            raise
        return error
    return None


def op_read_own(kit, api, user):
    order_id, _line = kit.return_order('draft', partner_id=kit.portal_partner_id)
    got = {}
    error = _attempt(lambda: got.update(
        api.call('overseas.return.order', 'read', [order_id], ['name', 'partner_id'])[0]))
    if error is None and user.profile == 'portal':
        # own: every return the portal user finds is her commercial partner's
        partners = {row['partner_id'][0] for row in api.call(
            'overseas.return.order', 'search_read', [], fields=['partner_id'])}
        commercial = kit.admin.call('res.partner', 'read', list(partners),
                                    ['commercial_partner_id'])
        assert {p['commercial_partner_id'][0] for p in commercial} == {
            kit.portal_partner_id}
    return error, got.get('id') == order_id


def op_read_other(kit, api, user):
    order_id, _line = kit.return_order('draft', partner_id=kit.other_partner_id)
    got = {}
    error = _attempt(lambda: got.update(
        api.call('overseas.return.order', 'read', [order_id], ['name'])[0]))
    if error is not None and user.profile == 'portal':
        # not even found: a search does not reveal it
        assert order_id not in api.call('overseas.return.order', 'search', [])
    return error, got.get('id') == order_id


def op_write_note(kit, api, user):
    order_id, _line = kit.return_order('draft')
    note = kit.unique('note')
    error = _attempt(lambda: api.call('overseas.return.order', 'write', [order_id],
                                      {'note': note}))
    return error, kit.read('overseas.return.order', order_id, ['note'])['note'] == note


def op_create(kit, api, user):
    ref = kit.unique('MATRIX-CREATE')
    product_id = kit.product(qty=0)
    error = _attempt(lambda: api.call('overseas.return.order', 'create', {
        'partner_id': kit.other_partner_id, 'warehouse_id': kit.warehouse_id,
        'origin_ref': ref,
        'line_ids': [(0, 0, {'product_id': product_id, 'product_qty': 1,
                             'reason_id': kit.reason_id})]}))
    return error, kit.count('overseas.return.order', [('origin_ref', '=', ref)]) == 1


def op_approve(kit, api, user):
    order_id, _line = kit.return_order('draft')
    error = _attempt(lambda: api.call('overseas.return.order', 'action_approve', [order_id]))
    return error, kit.read('overseas.return.order', order_id, ['state'])['state'] == 'approved'


def op_receive(kit, api, user):
    order_id, _line = kit.return_order('approved')
    error = _attempt(lambda: api.call('overseas.return.order', 'action_receive', [order_id]))
    done = kit.read('overseas.return.order', order_id, ['state'])['state'] == 'received'
    if not done:
        assert kit.count('stock.picking', [('return_order_id', '=', order_id)]) == 0
    return error, done


def op_restocking_fee(kit, api, user):
    order_id, _line = kit.return_order('draft')
    error = _attempt(lambda: api.call('overseas.return.order', 'write', [order_id],
                                      {'restocking_fee_override': 7.5}))
    fee = kit.read('overseas.return.order', order_id,
                   ['restocking_fee_override'])['restocking_fee_override']
    return error, fee == 7.5


def op_refund(kit, api, user):
    order_id, _line = kit.return_order('inspected')
    error = _attempt(lambda: api.call('overseas.return.order', 'action_create_refund',
                                      [order_id]))
    return error, kit.count('account.invoice', [('overseas_return_id', '=', order_id),
                                                ('type', '=', 'out_refund')]) == 1


def op_kpis(kit, api, user):
    got = {}
    error = _attempt(lambda: got.update(api.call(
        'overseas.return.kpi', 'compute_kpis', '2026-01-01', '2026-12-31')))
    return error, 'return_rate' in got


def op_scan(kit, api, user):
    order_id, _line = kit.return_order('approved')
    name = kit.read('overseas.return.order', order_id, ['name'])['name']
    scanner_id = kit.scanner_for(user)
    got = {}
    error = _attempt(lambda: got.update(api.call('overseas.return.scanner', 'scan',
                                                 [scanner_id], name)))
    logs = kit.count('overseas.return.scan.log', [('scanner_id', '=', scanner_id)])
    if error is not None:
        assert logs == 0, 'a refused caller left a scan log line'
    return error, got.get('order_id') == order_id and got.get('result') != 'refused'


def op_import(kit, api, user):
    ref = kit.unique('MATRIX-IMP')
    sku = kit.sku(kit.product(qty=0))
    content = ('order_ref,tracking_ref,sku,quantity,reason_code,return_date\n'
               '%s,T-%s,%s,1,changed_mind,2026-03-01\n' % (ref, ref, sku)).encode()

    def run():
        wizard = api.call('overseas.return.import', 'create', {
            'data_file': base64.b64encode(content).decode(), 'filename': 'm.csv',
            'warehouse_id': kit.warehouse_id})
        api.call('overseas.return.import', 'action_import', [wizard])
    error = _attempt(run)
    return error, kit.count('overseas.return.order', [('origin_ref', '=', ref)]) == 1


def op_configure(kit, api, user):
    # a field no translation hangs on: the shipped reason's name stays what the
    # translation test of this same server expects
    code = kit.unique('ATTACK')
    error = _attempt(lambda: api.call('overseas.return.reason', 'write', [kit.reason_id],
                                      {'shopify_code': code}))
    done = kit.read('overseas.return.reason', kit.reason_id,
                    ['shopify_code'])['shopify_code'] == code
    return error, done


OPERATIONS = {name[3:]: func for name, func in globals().items() if name.startswith('op_')}


def _assert_refused(error, via):
    assert error is not None
    if via == 'jsonrpc':
        text = '%s %s' % (error.name, error.message)
        assert 'psycopg2' not in error.debug
        assert error.name in ('odoo.exceptions.AccessError', 'odoo.exceptions.UserError'), text
        assert error.name == 'odoo.exceptions.AccessError' or 'Only' in text, text
        return
    assert isinstance(error, xmlrpc.client.Fault), repr(error)
    text = error.faultString
    assert 'psycopg2' not in text and 'Traceback' not in text, text
    # AccessError (fault code 4), or a UserError naming who may do it
    assert error.faultCode == 4 or 'not allowed' in text or 'Only' in text, text


CASES = [(op, via, profile, expected[profile])
         for op, _label, via, expected in MATRIX for profile in PROFILES]


def test_matrix_covers_every_operation():
    assert sorted(OPERATIONS) == sorted(op for op, _l, _v, _e in MATRIX)


@pytest.mark.parametrize('op,via,profile,expected', CASES,
                         ids=['%s-%s' % (c[0], c[2]) for c in CASES])
def test_access_matrix(attack_users, attack_kit, op, via, profile, expected):
    user = attack_users[profile]
    api = user.jsonrpc() if via == 'jsonrpc' else user.rpc()
    error, done = OPERATIONS[op](attack_kit, api, user)
    if expected in (YES, OWN):
        assert error is None, '%s should be allowed to %s: %s' % (profile, op, error)
        assert done, '%s: %s answered but did nothing' % (profile, op)
    else:
        _assert_refused(error, via)
        assert not done, '%s was refused %s but it happened anyway' % (profile, op)
