"""The path a marketplace connector takes over XML-RPC when the sale is not in Odoo:
find the channel, the customer and the SKUs, map the marketplace's reason code, create
the return with the marketplace references, and follow it to disposal."""
import xmlrpc.client

import pytest


@pytest.fixture(scope='module')
def setup(admin_rpc):
    rpc = admin_rpc
    warehouse_id = rpc.call('stock.warehouse', 'search', [('code', '=', 'WH')], limit=1)[0]
    warehouse = rpc.call('stock.warehouse', 'read', [warehouse_id],
                         ['lot_stock_id', 'return_location_id'])[0]
    product_id = rpc.call('product.product', 'create', {
        'name': 'RPC Travel Adapter', 'default_code': 'RPC-ADP-1', 'type': 'product',
        'list_price': 19.9})
    partner_id = rpc.call('res.partner', 'create', {'name': 'RPC Marketplace Buyer'})
    return dict(warehouse_id=warehouse_id, product_id=product_id, partner_id=partner_id,
                stock_location_id=warehouse['lot_stock_id'][0],
                return_location_id=warehouse['return_location_id'][0])


def stock_qty(rpc, product_id, location_id):
    quants = rpc.call('stock.quant', 'search_read',
                      [('product_id', '=', product_id), ('location_id', '=', location_id)],
                      fields=['quantity'])
    return sum(q['quantity'] for q in quants)


def test_connector_creates_and_follows_a_return(admin_rpc, setup):
    rpc = admin_rpc
    channel_id = rpc.call('overseas.return.channel', 'search', [('code', '=', 'amazon')])[0]
    reason_id = rpc.call('overseas.return.reason', 'search',
                         [('amazon_code', '=', 'UNWANTED_ITEM')], limit=1)[0]
    product_id = rpc.call('product.product', 'search', [('default_code', '=', 'RPC-ADP-1')])[0]
    order_id = rpc.call('overseas.return.order', 'create', {
        'partner_id': setup['partner_id'],
        'warehouse_id': setup['warehouse_id'],
        'channel_id': channel_id,
        'origin_ref': '114-7766554-3322110',
        'tracking_ref': '1Z999AA10123456784',
        'return_method': 'ship_back',
        'line_ids': [(0, 0, {'product_id': product_id, 'product_qty': 2,
                             'reason_id': reason_id, 'lpn': 'LPNRR1234567',
                             'customer_note': 'Bought two by mistake'})],
    })
    order = rpc.call('overseas.return.order', 'read', [order_id],
                     ['name', 'state', 'amount_total', 'line_ids'])[0]
    assert order['name'].startswith('RMA/')
    assert order['state'] == 'draft'
    assert order['amount_total'] == pytest.approx(39.8)
    found = rpc.call('overseas.return.order', 'search',
                     [('channel_id', '=', channel_id), ('origin_ref', '=', '114-7766554-3322110')])
    assert found == [order_id]

    rpc.call('overseas.return.order', 'action_approve', [order_id])
    rpc.call('overseas.return.order', 'action_receive', [order_id])
    assert stock_qty(rpc, product_id, setup['return_location_id']) == 2

    line_id = order['line_ids'][0]
    rpc.call('overseas.return.line', 'action_inspect', [line_id])
    inspection_id = rpc.call('overseas.return.inspection', 'search',
                             [('line_id', '=', line_id), ('state', '=', 'draft')])[0]
    check_ids = rpc.call('overseas.return.inspection', 'read', [inspection_id],
                         ['check_ids'])[0]['check_ids']
    rpc.call('overseas.return.inspection.check', 'write', check_ids, {'result': 'pass'})
    grade_a = rpc.call('overseas.return.grade', 'search', [('code', '=', 'A')])[0]
    rpc.call('overseas.return.inspection', 'write', [inspection_id], {'grade_id': grade_a})
    rpc.call('overseas.return.inspection', 'action_confirm', [inspection_id])
    line = rpc.call('overseas.return.line', 'read', [line_id],
                    ['state', 'disposition', 'grade_id'])[0]
    assert (line['state'], line['disposition']) == ('inspected', 'restock')

    rpc.call('overseas.return.line', 'action_dispose', [line_id])
    assert stock_qty(rpc, product_id, setup['return_location_id']) == 0
    assert stock_qty(rpc, product_id, setup['stock_location_id']) == 2
    final = rpc.call('overseas.return.order', 'read', [order_id], ['state', 'picking_count'])[0]
    assert final['state'] == 'done'
    assert final['picking_count'] == 2


def test_wrong_state_is_a_clear_error_and_changes_nothing(admin_rpc, setup):
    rpc = admin_rpc
    reason_id = rpc.call('overseas.return.reason', 'search', [('code', '=', 'changed_mind')])[0]
    order_id = rpc.call('overseas.return.order', 'create', {
        'partner_id': setup['partner_id'], 'warehouse_id': setup['warehouse_id'],
        'line_ids': [(0, 0, {'product_id': setup['product_id'], 'product_qty': 1,
                             'reason_id': reason_id})]})
    with pytest.raises(xmlrpc.client.Fault) as error:
        rpc.call('overseas.return.order', 'action_receive', [order_id])
    assert 'Receiving is not possible' in error.value.faultString
    state = rpc.call('overseas.return.order', 'read', [order_id], ['state'])[0]['state']
    assert state == 'draft'


def test_bad_quantity_is_refused(admin_rpc, setup):
    rpc = admin_rpc
    reason_id = rpc.call('overseas.return.reason', 'search', [('code', '=', 'changed_mind')])[0]
    before = rpc.call('overseas.return.order', 'search_count', [])
    with pytest.raises(xmlrpc.client.Fault) as error:
        rpc.call('overseas.return.order', 'create', {
            'partner_id': setup['partner_id'], 'warehouse_id': setup['warehouse_id'],
            'line_ids': [(0, 0, {'product_id': setup['product_id'], 'product_qty': -1,
                                 'reason_id': reason_id})]})
    assert 'must be positive' in error.value.faultString
    assert rpc.call('overseas.return.order', 'search_count', []) == before
