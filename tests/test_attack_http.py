"""The portal over plain HTTP, as a logged-in portal customer: her returns list, another
customer's return (not found), and a return request with absurd quantities — a clear form
error, never a 500."""
import re

import pytest
import requests

ORDER = 'overseas.return.order'


def _csrf(html):
    match = re.search(r'name="csrf_token"\s+value="([^"]+)"', html)
    assert match, 'no csrf token in the page'
    return match.group(1)


@pytest.fixture(scope='module')
def portal_session(odoo_server, attack_users):
    user = attack_users['portal']
    session = requests.Session()
    login_page = session.get(odoo_server.url + '/web/login', timeout=60)
    assert login_page.status_code == 200
    answer = session.post(odoo_server.url + '/web/login', timeout=60, data={
        'login': user.login, 'password': user.password,
        'csrf_token': _csrf(login_page.text), 'redirect': '/my'})
    assert answer.status_code == 200, answer.status_code
    # Odoo 11 answers a successful login with a page redirecting in JavaScript
    assert '/web/login' not in session.get(odoo_server.url + '/my', timeout=60).url, \
        'login refused'
    return session


def test_my_returns_lists_only_her_own(odoo_server, attack_kit, portal_session):
    kit = attack_kit
    own_id, _line = kit.return_order('draft', partner_id=kit.portal_partner_id)
    other_id, _line = kit.return_order('draft', partner_id=kit.other_partner_id)
    own = kit.read(ORDER, own_id, ['name'])['name']
    other = kit.read(ORDER, other_id, ['name'])['name']
    page = portal_session.get(odoo_server.url + '/my/returns?sortby=date', timeout=60)
    assert page.status_code == 200
    assert own in page.text
    assert other not in page.text
    detail = portal_session.get(odoo_server.url + '/my/returns/%d' % own_id, timeout=60)
    assert detail.status_code == 200 and own in detail.text


@pytest.mark.parametrize('path', ['/my/returns/%d', '/my/returns/%d/slip'])
def test_another_customers_return_is_not_found(odoo_server, attack_kit, portal_session,
                                               path):
    kit = attack_kit
    other_id, _line = kit.return_order('approved', partner_id=kit.other_partner_id)
    other = kit.read(ORDER, other_id, ['name'])['name']
    answer = portal_session.get(odoo_server.url + path % other_id, timeout=60,
                                allow_redirects=False)
    assert answer.status_code in (403, 404), answer.status_code
    assert other not in answer.text
    # an id that does not exist answers the same
    missing = portal_session.get(odoo_server.url + path % 999999999, timeout=60,
                                 allow_redirects=False)
    assert missing.status_code in (403, 404)


@pytest.mark.parametrize('qty', ['nan', '1e300', 'inf', '-1', '0', '1e-300', 'abc', '2,5'])
def test_absurd_quantity_is_a_form_error(odoo_server, attack_kit, portal_session, qty):
    kit = attack_kit
    sale_id, _product = kit.delivered_sale(partner_id=kit.portal_partner_id, qty=2.0)
    sale_line_id = kit.read('sale.order', sale_id, ['order_line'])['order_line'][0]
    form = portal_session.get(odoo_server.url + '/my/returns/new?order=%d' % sale_id,
                              timeout=60)
    assert form.status_code == 200, form.status_code
    before = kit.count(ORDER, [('sale_order_id', '=', sale_id)])
    answer = portal_session.post(odoo_server.url + '/my/returns/new', timeout=60,
                                 allow_redirects=False, data={
                                     'csrf_token': _csrf(form.text), 'order': sale_id,
                                     'select_%d' % sale_line_id: '1',
                                     'qty_%d' % sale_line_id: qty,
                                     'reason_id': kit.reason_id, 'comment': 'attack'})
    assert answer.status_code in (200, 400), '%s: HTTP %s' % (qty, answer.status_code)
    assert 'Traceback' not in answer.text
    if answer.status_code == 200:
        assert 'alert-danger' in answer.text or 'quantity' in answer.text.lower(), qty
    assert kit.count(ORDER, [('sale_order_id', '=', sale_id)]) == before
