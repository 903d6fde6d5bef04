"""Escalation by write over XML-RPC: a returns user writes, directly, what only the
actions (or a manager) may set — each refused with an AccessError and nothing changed,
read back as admin. And a returns user of one company against another company's return."""
import xmlrpc.client

import pytest

ORDER = 'overseas.return.order'
LINE = 'overseas.return.line'


@pytest.fixture(scope='module')
def user_rpc(attack_users):
    return attack_users['returns_user'].rpc()


def _refused(call, clear_fault):
    with pytest.raises(xmlrpc.client.Fault) as raised:
        call()
    clear_fault(raised.value)
    assert raised.value.faultCode == 4, raised.value.faultString  # AccessError
    return raised.value.faultString


ORDER_FIELDS = ['state', 'is_exchanged', 'date_done', 'restocking_fee_override', 'note']
LINE_FIELDS = ['state', 'grade_id', 'price_unit', 'product_qty', 'qty_received',
               'disposition']


@pytest.mark.parametrize('state,model,vals', [
    ('draft', ORDER, {'state': 'done'}),
    ('approved', ORDER, {'state': 'received'}),
    ('draft', ORDER, {'is_exchanged': True}),
    ('inspected', ORDER, {'is_exchanged': True}),
    ('draft', ORDER, {'date_done': '2026-01-01 00:00:00'}),
    ('draft', LINE, {'state': 'disposed'}),
    ('received', LINE, {'state': 'inspected'}),
    ('received', LINE, {'grade_id': 'A'}),
    ('approved', LINE, {'price_unit': 0.01}),
    ('received', LINE, {'price_unit': 999.0}),
    ('received', LINE, {'product_qty': 9.0}),
    ('received', LINE, {'qty_received': 9.0}),
    ('inspected', LINE, {'qty_received': 1.0}),
], ids=lambda v: v if isinstance(v, str) else '-'.join(v))
def test_owned_field_written_directly_is_refused(attack_kit, user_rpc, clear_fault,
                                                 state, model, vals):
    kit = attack_kit
    order_id, line_id = kit.return_order(state)
    vals = dict(vals)
    if vals.get('grade_id') == 'A':
        vals['grade_id'] = kit.grade_a
    record_id, names = (order_id, ORDER_FIELDS) if model == ORDER else (line_id, LINE_FIELDS)
    before = kit.read(model, record_id, names)
    _refused(lambda: user_rpc.call(model, 'write', [record_id], vals), clear_fault)
    assert kit.read(model, record_id, names) == before
    assert kit.read(ORDER, order_id, ['state'])['state'] == state


def test_lines_smuggled_through_the_order_are_refused(attack_kit, user_rpc, clear_fault):
    kit = attack_kit
    order_id, line_id = kit.return_order('received')
    product_id = kit.product(qty=0)
    _refused(lambda: user_rpc.call(ORDER, 'write', [order_id], {'line_ids': [
        (0, 0, {'product_id': product_id, 'product_qty': 1, 'reason_id': kit.reason_id})]}),
        clear_fault)
    _refused(lambda: user_rpc.call(ORDER, 'write', [order_id], {'line_ids': [
        (1, line_id, {'qty_received': 50})]}), clear_fault)
    lines = kit.read(ORDER, order_id, ['line_ids'])['line_ids']
    assert lines == [line_id]
    assert kit.read(LINE, line_id, ['qty_received'])['qty_received'] == 2.0
    # a new line in a state of its own on a draft return
    draft_id, _draft_line = kit.return_order('draft')
    _refused(lambda: user_rpc.call(ORDER, 'write', [draft_id], {'line_ids': [
        (0, 0, {'product_id': product_id, 'product_qty': 1, 'reason_id': kit.reason_id,
                'state': 'disposed'})]}), clear_fault)
    assert len(kit.read(ORDER, draft_id, ['line_ids'])['line_ids']) == 1


@pytest.mark.parametrize('state', ['approved', 'received', 'done'])
def test_return_created_in_a_later_state_is_refused(attack_kit, user_rpc, clear_fault,
                                                    state):
    kit = attack_kit
    ref = kit.unique('LATE-' + state)
    product_id = kit.product(qty=0)
    _refused(lambda: user_rpc.call(ORDER, 'create', {
        'partner_id': kit.other_partner_id, 'warehouse_id': kit.warehouse_id,
        'origin_ref': ref, 'state': state,
        'line_ids': [(0, 0, {'product_id': product_id, 'product_qty': 1,
                             'reason_id': kit.reason_id})]}), clear_fault)
    assert kit.count(ORDER, [('origin_ref', '=', ref)]) == 0
    # nor a draft return carrying lines already received
    _refused(lambda: user_rpc.call(ORDER, 'create', {
        'partner_id': kit.other_partner_id, 'warehouse_id': kit.warehouse_id,
        'origin_ref': ref,
        'line_ids': [(0, 0, {'product_id': product_id, 'product_qty': 1,
                             'reason_id': kit.reason_id, 'state': 'received'})]}),
        clear_fault)
    assert kit.count(ORDER, [('origin_ref', '=', ref)]) == 0


def _own_scanner(user_rpc, kit):
    action = user_rpc.call('overseas.return.scanner', 'action_open_scanner', kit.warehouse_id)
    return action['res_id']


def test_scanner_state_and_log_cannot_be_forged(attack_kit, user_rpc, clear_fault):
    kit = attack_kit
    scanner_id = _own_scanner(user_rpc, kit)
    fields = ['allow_extra', 'order_id', 'scan_count', 'message']
    before = kit.read('overseas.return.scanner', scanner_id, fields)
    for vals in ({'allow_extra': True}, {'scan_count': 99}, {'message': 'forged'}):
        _refused(lambda: user_rpc.call('overseas.return.scanner', 'write', [scanner_id],
                                       vals), clear_fault)
    assert kit.read('overseas.return.scanner', scanner_id, fields) == before

    # the manager's command at the scanner, by a user: answered, refused, nothing set
    order_id, line_id = kit.return_order('approved')
    name = kit.read(ORDER, order_id, ['name'])['name']
    user_rpc.call('overseas.return.scanner', 'scan', [scanner_id], name)
    answer = user_rpc.call('overseas.return.scanner', 'scan', [scanner_id], 'ORT-EXTRA')
    assert answer['result'] == 'refused'
    assert 'Only a returns manager' in answer['message']
    assert kit.read('overseas.return.scanner', scanner_id, ['allow_extra'])['allow_extra'] \
        is False

    # forged log lines: a count UNDO would trust
    logs = kit.count('overseas.return.scan.log', [])
    _refused(lambda: user_rpc.call('overseas.return.scan.log', 'create', {
        'scanner_id': scanner_id, 'code': 'FORGED', 'message': 'forged',
        'result': 'done', 'order_id': order_id, 'line_id': line_id, 'qty_delta': 5}),
        clear_fault)
    log_ids = user_rpc.call('overseas.return.scan.log', 'search',
                            [('scanner_id', '=', scanner_id)])
    if log_ids:
        _refused(lambda: user_rpc.call('overseas.return.scan.log', 'write', log_ids[:1],
                                       {'qty_delta': 5}), clear_fault)
        _refused(lambda: user_rpc.call('overseas.return.scan.log', 'unlink', log_ids[:1]),
                 clear_fault)
    assert kit.count('overseas.return.scan.log', []) == logs
    # a scanner made over RPC cannot start with the manager's switch on
    _refused(lambda: user_rpc.call('overseas.return.scanner', 'create', {
        'warehouse_id': kit.warehouse_id, 'allow_extra': True}), clear_fault)


# ---------------------------------------------------------------------- cross-company
@pytest.fixture(scope='module')
def company_b(attack_kit):
    kit = attack_kit
    admin = kit.admin
    code = kit.unique('B')[-5:].replace('-', '')
    company_id = admin.call('res.company', 'create', {'name': 'Attack Company %s' % code,
                                                      'parent_id': False})
    warehouse_id = admin.call('stock.warehouse', 'create', {
        'name': 'Attack B %s' % code, 'code': 'B%s' % code[-4:], 'company_id': company_id})
    product_id = kit.product(qty=0)
    order_id = admin.call(ORDER, 'create', {
        'partner_id': kit.other_partner_id, 'warehouse_id': warehouse_id,
        'note': 'company B secret',
        'line_ids': [(0, 0, {'product_id': product_id, 'product_qty': 1,
                             'price_unit': 10.0, 'reason_id': kit.reason_id})]})
    line_id = kit.read(ORDER, order_id, ['line_ids'])['line_ids'][0]
    assert kit.read(ORDER, order_id, ['company_id'])['company_id'][0] == company_id
    return dict(company_id=company_id, warehouse_id=warehouse_id, order_id=order_id,
                line_id=line_id, product_id=product_id)


@pytest.mark.parametrize('profile', ['returns_user', 'returns_manager', 'billing',
                                     'salesman'])
def test_other_company_return_is_invisible(attack_users, attack_kit, company_b,
                                           clear_fault, profile):
    rpc = attack_users[profile].rpc()
    order_id, line_id = company_b['order_id'], company_b['line_id']
    assert order_id not in rpc.call(ORDER, 'search', [])
    assert line_id not in rpc.call(LINE, 'search', [])
    assert rpc.call(ORDER, 'search_count', [('id', '=', order_id)]) == 0
    _refused(lambda: rpc.call(ORDER, 'read', [order_id], ['note']), clear_fault)
    _refused(lambda: rpc.call(LINE, 'read', [line_id], ['price_unit']), clear_fault)
    # nor through a relation: the name_get of a line of it
    _refused(lambda: rpc.call(LINE, 'name_get', [line_id]), clear_fault)


@pytest.mark.parametrize('profile', ['returns_user', 'returns_manager'])
def test_other_company_return_cannot_be_changed(attack_users, attack_kit, company_b,
                                                clear_fault, profile):
    kit = attack_kit
    rpc = attack_users[profile].rpc()
    order_id, line_id = company_b['order_id'], company_b['line_id']
    before = kit.read(ORDER, order_id, ['note', 'state'])
    _refused(lambda: rpc.call(ORDER, 'write', [order_id], {'note': 'hacked'}), clear_fault)
    _refused(lambda: rpc.call(LINE, 'write', [line_id], {'product_qty': 5}), clear_fault)
    for action in ('action_approve', 'action_cancel', 'action_receive'):
        with pytest.raises(xmlrpc.client.Fault) as raised:
            rpc.call(ORDER, action, [order_id])
        clear_fault(raised.value)
    _refused(lambda: rpc.call(ORDER, 'unlink', [order_id]), clear_fault)
    assert kit.read(ORDER, order_id, ['note', 'state']) == before
    assert kit.read(LINE, line_id, ['product_qty'])['product_qty'] == 1.0
    # nor a new return put into company B's warehouse
    ref = kit.unique('B-CREATE')
    with pytest.raises(xmlrpc.client.Fault) as raised:
        rpc.call(ORDER, 'create', {
            'partner_id': kit.other_partner_id, 'warehouse_id': company_b['warehouse_id'],
            'origin_ref': ref,
            'line_ids': [(0, 0, {'product_id': company_b['product_id'], 'product_qty': 1,
                                 'reason_id': kit.reason_id})]})
    clear_fault(raised.value)
    assert kit.count(ORDER, [('origin_ref', '=', ref)]) == 0


@pytest.mark.parametrize('value', [0, -5, 999999999, 'SO001', [1, 2], True])
def test_integration_methods_refuse_what_is_not_one_record(attack_kit, user_rpc, value):
    """create_from_sale_order / create_from_delivery take an id over RPC; anything else
    is a clear UserError (fault code 2), not an AttributeError traceback."""
    before = attack_kit.count(ORDER, [])
    for method in ('create_from_sale_order', 'create_from_delivery'):
        with pytest.raises(xmlrpc.client.Fault) as raised:
            user_rpc.call(ORDER, method, value)
        assert raised.value.faultCode == 2, raised.value.faultString
        assert 'give one existing record' in raised.value.faultString
    assert attack_kit.count(ORDER, []) == before


def test_integration_method_takes_a_sale_id(attack_kit, user_rpc):
    sale_id, _product = attack_kit.delivered_sale(partner_id=attack_kit.other_partner_id)
    order_id = user_rpc.call(ORDER, 'create_from_sale_order', sale_id)
    assert isinstance(order_id, int)
    assert attack_kit.read(ORDER, order_id, ['sale_order_id'])['sale_order_id'][0] == sale_id
    with pytest.raises(xmlrpc.client.Fault) as raised:
        user_rpc.call(ORDER, 'create_from_sale_order', sale_id)
    assert raised.value.faultCode == 2
    assert 'left to return' in raised.value.faultString
