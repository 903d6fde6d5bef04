"""Printed material over HTTP: a logged-in user downloads each PDF the add-on prints
(return slip, inspection report, scanner command sheet, disposal certificate) and the
text extracted from it names what was printed."""
import os
import re
import subprocess
import tempfile

import pytest
import requests

ADMIN = ('admin', 'admin')
PDFTOTEXT = '/usr/bin/pdftotext'
PDFINFO = '/usr/bin/pdfinfo'


@pytest.fixture(scope='module')
def web(odoo_server):
    session = requests.Session()
    response = session.post(odoo_server.url + '/web/session/authenticate', json={
        'jsonrpc': '2.0', 'method': 'call',
        'params': {'db': odoo_server.db, 'login': ADMIN[0], 'password': ADMIN[1]}},
        timeout=60)
    response.raise_for_status()
    assert response.json().get('result', {}).get('uid'), response.text[:500]
    return session


def pdf_tool(tool, odoo_server, web, report_name, ids):
    """Download a report as PDF and run a poppler tool (pdftotext, pdfinfo) on it."""
    url = '%s/report/pdf/%s/%s' % (odoo_server.url, report_name,
                                   ','.join(str(i) for i in ids))
    response = web.get(url, timeout=300)
    assert response.status_code == 200, response.text[:1000]
    content = response.content
    assert content.startswith(b'%PDF'), content[:300]
    assert len(content) > 2000
    handle, path = tempfile.mkstemp(suffix='.pdf')
    try:
        with os.fdopen(handle, 'wb') as pdf:
            pdf.write(content)
        args = [tool, '-layout', path, '-'] if tool == PDFTOTEXT else [tool, path]
        return subprocess.check_output(args, timeout=60).decode('utf-8')
    finally:
        os.unlink(path)


def pdf_text(odoo_server, web, report_name, ids):
    return pdf_tool(PDFTOTEXT, odoo_server, web, report_name, ids)


def _ref_id(rpc, xmlid):
    module, name = xmlid.split('.')
    data = rpc.call('ir.model.data', 'search_read',
                    [('module', '=', module), ('name', '=', name)], fields=['res_id'])
    return data[0]['res_id']


def _inspected_order(rpc, grade_code):
    """A return received and inspected over RPC; returns (order id, inspection id)."""
    partner = rpc.call('res.partner', 'create', {'name': 'PDF Test Buyer'})
    product = rpc.call('product.product', 'create', {
        'name': 'PDF Test Lamp', 'default_code': 'PDF-LAMP', 'type': 'product',
        'list_price': 30.0})
    warehouse = rpc.call('stock.warehouse', 'search', [], limit=1)[0]
    reason = _ref_id(rpc, 'overseas_returns.reason_changed_mind')
    order = rpc.call('overseas.return.order', 'create', {
        'partner_id': partner, 'warehouse_id': warehouse,
        'line_ids': [(0, 0, {'product_id': product, 'product_qty': 2.0,
                             'reason_id': reason})]})
    rpc.call('overseas.return.order', 'action_approve', [order])
    rpc.call('overseas.return.order', 'action_receive', [order])
    line = rpc.call('overseas.return.order', 'read', [order],
                    ['line_ids'])[0]['line_ids'][0]
    grade = rpc.call('overseas.return.grade', 'search', [('code', '=', grade_code)])[0]
    inspection = rpc.call('overseas.return.inspection', 'create', {
        'line_id': line, 'grade_id': grade, 'note': 'Printed over HTTP'})
    rpc.call('overseas.return.inspection', 'action_confirm', [inspection])
    return order, inspection


def _order_name(rpc, order_id):
    return rpc.call('overseas.return.order', 'read', [order_id], ['name'])[0]['name']


def test_return_slip_pdf(odoo_server, admin_rpc, web):
    # an English-speaking customer's: the slip is printed in the customer's language
    orders = admin_rpc.call('overseas.return.order', 'search_read',
                            [('partner_id.lang', 'in', [False, 'en_US'])],
                            fields=['name'], limit=1)
    assert orders, 'the demo data has returns'
    text = pdf_text(odoo_server, web, 'overseas_returns.report_return_slip',
                    [orders[0]['id']])
    assert orders[0]['name'] in text
    assert 'Return Slip' in text


def test_inspection_report_pdf(odoo_server, admin_rpc, web):
    order, inspection = _inspected_order(admin_rpc, 'B')
    text = pdf_text(odoo_server, web, 'overseas_returns.report_inspection',
                    [inspection])
    assert _order_name(admin_rpc, order) in text
    assert 'Inspection Report' in text


def test_command_sheet_pdf(odoo_server, admin_rpc, web):
    warehouse = admin_rpc.call('stock.warehouse', 'search_read', [], fields=['name'],
                               limit=1)[0]
    text = pdf_text(odoo_server, web, 'overseas_returns.report_scanner_commands',
                    [warehouse['id']])
    assert warehouse['name'] in text
    assert 'Validate receipt' in text


def test_disposal_certificate_pdf(odoo_server, admin_rpc, web):
    order, _inspection = _inspected_order(admin_rpc, 'D')
    line = admin_rpc.call('overseas.return.order', 'read', [order],
                          ['line_ids'])[0]['line_ids'][0]
    admin_rpc.call('overseas.return.line', 'write', [line], {'disposition': 'donate'})
    admin_rpc.call('overseas.return.line', 'action_dispose', [line])
    text = pdf_text(odoo_server, web, 'overseas_returns.report_disposal_certificate',
                    [line])
    assert _order_name(admin_rpc, order) in text
    assert 'Certificate' in text
    assert 'Warehouse Manager' in text
    assert 'Donation Certificate' in text


def test_parcel_label_pdf(odoo_server, admin_rpc, web):
    """The 100 x 150 mm label stuck on a parcel registered at the scanner."""
    scanner = admin_rpc.call('overseas.return.scanner', 'create', {})
    tracking = 'LABELTEST0042'
    result = admin_rpc.call('overseas.return.scanner', 'scan', [scanner], tracking)
    # an unknown code is registered as a parcel only when scanned a second time
    result = admin_rpc.call('overseas.return.scanner', 'scan', [scanner], tracking)
    assert result['message_type'] in ('warning', 'success')
    order = admin_rpc.call('overseas.return.scanner', 'read', [scanner],
                           ['order_id'])[0]['order_id']
    text = pdf_text(odoo_server, web, 'overseas_returns.report_return_label', [order[0]])
    assert order[1] in text
    assert tracking in text
    info = pdf_tool(PDFINFO, odoo_server, web, 'overseas_returns.report_return_label',
                    [order[0]])
    assert re.search(r'Page size:\s+28[0-9](\.[0-9]+)? x 42[0-9]', info), info
