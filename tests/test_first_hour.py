"""The first hour on a fresh database with demo data: every screen has something to
show (sales delivered and invoiced, returns at every stage, refunds), a Chinese user
reads Chinese (names the add-on creates, PDFs printed with a CJK font)."""
import os
import re
import subprocess
import tempfile

import pytest
import requests

CJK = re.compile('[\u4e00-\u9fff]')
ZH_LOGIN = ('chenjing', 'chenjing')


def _session(odoo_server, login, password):
    session = requests.Session()
    response = session.post(odoo_server.url + '/web/session/authenticate', json={
        'jsonrpc': '2.0', 'method': 'call',
        'params': {'db': odoo_server.db, 'login': login, 'password': password}},
        timeout=60)
    response.raise_for_status()
    assert response.json().get('result', {}).get('uid'), response.text[:500]
    return session


def _pdf_text(odoo_server, session, report_name, ids):
    url = '%s/report/pdf/%s/%s' % (odoo_server.url, report_name,
                                   ','.join(str(i) for i in ids))
    response = session.get(url, timeout=300)
    assert response.status_code == 200, response.text[:1000]
    assert response.content.startswith(b'%PDF'), response.content[:300]
    handle, path = tempfile.mkstemp(suffix='.pdf')
    try:
        with os.fdopen(handle, 'wb') as pdf:
            pdf.write(response.content)
        return subprocess.check_output(['/usr/bin/pdftotext', '-layout', path, '-'],
                                       timeout=60).decode('utf-8')
    finally:
        os.unlink(path)


def _ref(rpc, xmlid):
    return rpc.call('ir.model.data', 'xmlid_to_res_id', xmlid)


def test_demo_sales_are_delivered_and_invoiced(admin_rpc):
    sale_ids = [_ref(admin_rpc, 'overseas_returns.sale_%02d_demo' % n) for n in range(1, 9)]
    sales = admin_rpc.call('sale.order', 'read', sale_ids,
                           ['state', 'picking_ids', 'invoice_ids', 'client_order_ref'])
    assert all(sale['state'] == 'sale' for sale in sales)
    pickings = admin_rpc.call('stock.picking', 'read',
                              [pid for sale in sales for pid in sale['picking_ids']],
                              ['state'])
    assert pickings and all(picking['state'] == 'done' for picking in pickings)
    invoices = admin_rpc.call('account.invoice', 'read',
                              [iid for sale in sales for iid in sale['invoice_ids']],
                              ['state', 'type'])
    # a sale's invoices include the credit notes of its refunded returns
    customer_invoices = [inv for inv in invoices if inv['type'] == 'out_invoice']
    assert len(customer_invoices) == 8
    assert all(inv['state'] in ('open', 'paid') for inv in customer_invoices)


def test_demo_returns_at_every_stage_and_refunds(admin_rpc):
    groups = admin_rpc.call('overseas.return.order', 'read_group', [], ['state'], ['state'])
    states = {group['state'] for group in groups if group['state_count']}
    assert states >= {'draft', 'approved', 'received', 'inspected', 'done', 'rejected',
                      'cancel'}
    full = _ref(admin_rpc, 'overseas_returns.sale_return_01_demo')
    partial = _ref(admin_rpc, 'overseas_returns.sale_return_02_demo')
    orders = {order['id']: order for order in admin_rpc.call(
        'overseas.return.order', 'read', [full, partial],
        ['state', 'refund_invoice_ids', 'amount_refunded', 'sale_order_id', 'invoice_id'])}
    for order in orders.values():
        assert order['state'] == 'done'
        assert order['sale_order_id'] and order['invoice_id']
        refunds = admin_rpc.call('account.invoice', 'read', order['refund_invoice_ids'],
                                 ['type', 'state', 'amount_total'])
        # validated, and reconciled with the still-open invoice (then "paid")
        assert refunds and all(r['type'] == 'out_refund' and r['state'] in ('open', 'paid')
                               for r in refunds)
    # the partial refund: 40.00 of the 64.98 returned (yoga mat and lamp)
    assert orders[partial]['amount_refunded'] == pytest.approx(40.0)
    assert orders[full]['amount_refunded'] > 0
    # the approved return of a sale: the customer prints its slip on the portal
    approved = admin_rpc.call('overseas.return.order', 'read', [
        _ref(admin_rpc, 'overseas_returns.sale_return_03_demo')], ['state'])[0]
    assert approved['state'] == 'approved'


def test_chinese_user_reads_chinese_names(odoo_server):
    rpc = odoo_server.rpc(*ZH_LOGIN)
    warehouse = rpc.call('stock.warehouse', 'search_read', [('code', '=', 'WH')],
                         fields=['return_location_id', 'return_type_id'],
                         context={'lang': 'zh_CN'})[0]
    location = rpc.call('stock.location', 'read', [warehouse['return_location_id'][0]],
                        ['name'], context={'lang': 'zh_CN'})[0]
    assert location['name'] == '退货待检区'
    picking_type = rpc.call('stock.picking.type', 'read', [warehouse['return_type_id'][0]],
                            ['name'], context={'lang': 'zh_CN'})[0]
    assert picking_type['name'] == '客户退货'


def test_chinese_pdfs_print_chinese(odoo_server, admin_rpc):
    """wkhtmltopdf finds a CJK font: a Chinese user's PDFs contain Chinese text, not
    boxes (pdftotext extracts no CJK character from missing glyphs)."""
    session = _session(odoo_server, *ZH_LOGIN)
    warehouse_id = admin_rpc.call('stock.warehouse', 'search', [('code', '=', 'WH')],
                                  limit=1)[0]
    text = _pdf_text(odoo_server, session, 'overseas_returns.report_scanner_commands',
                     [warehouse_id])
    assert CJK.search(text), text[:800]
    # the slip of a Chinese-speaking customer's return is printed in Chinese
    order_id = _ref(admin_rpc, 'overseas_returns.sale_return_02_demo')
    name = admin_rpc.call('overseas.return.order', 'read', [order_id], ['name'])[0]['name']
    text = _pdf_text(odoo_server, session, 'overseas_returns.report_return_slip', [order_id])
    assert name in text
    assert '退货单' in text, text[:800]
