"""Chinese-speaking merchants are the core users: every user-facing string of both
add-ons has a zh_CN translation with the same placeholders, and the translation covers
what the running add-ons actually show (exported from the server, not from a stale .pot)."""
import base64
import os
import re

import pytest
import requests

from conftest import ROOT

ADDONS = ['overseas_returns', 'overseas_returns_reports']
PLACEHOLDER = re.compile(r'%(\([a-z_]+\))?[-#0+]*\d*(\.\d+)?[sdfr%]')


def parse_po(text):
    """[(references, msgid, msgstr)] of a .po file's entries (header excluded)."""
    entries, refs, current, field = [], [], {'msgid': '', 'msgstr': ''}, None

    def flush():
        if field and current['msgid']:
            entries.append((refs[:], current['msgid'], current['msgstr']))

    for line in text.splitlines():
        if line.startswith('#:'):
            if field == 'msgstr':
                flush()
                refs[:], field = [], None
                current = {'msgid': '', 'msgstr': ''}
            refs.extend(line[2:].split())
        elif line.startswith('msgid '):
            if field == 'msgstr':
                flush()
                refs[:] = [] if not refs else refs
                current = {'msgid': '', 'msgstr': ''}
            field = 'msgid'
            current['msgid'] = _unquote(line[6:])
        elif line.startswith('msgstr '):
            field = 'msgstr'
            current['msgstr'] = _unquote(line[7:])
        elif line.startswith('"') and field:
            current[field] += _unquote(line)
        elif not line.strip() and field == 'msgstr':
            flush()
            refs[:], field = [], None
            current = {'msgid': '', 'msgstr': ''}
    flush()
    return entries


def _unquote(text):
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    return text[1:-1].replace('\\"', '"').replace('\\n', '\n').replace('\\\\', '\\')


def placeholders(text):
    return sorted(match.group(0) for match in PLACEHOLDER.finditer(text))


@pytest.mark.parametrize('addon', ADDONS)
def test_zh_cn_po_is_complete_and_well_formed(addon):
    path = os.path.join(ROOT, 'addons', addon, 'i18n', 'zh_CN.po')
    with open(path, encoding='utf-8') as handle:
        entries = parse_po(handle.read())
    assert entries, 'no entry in %s' % path
    empty = [msgid for _refs, msgid, msgstr in entries if not msgstr.strip()]
    assert not empty, 'untranslated: %s' % empty[:10]
    broken = [msgid for _refs, msgid, msgstr in entries
              if placeholders(msgid) != placeholders(msgstr)]
    assert not broken, 'placeholders differ: %s' % broken[:10]


@pytest.mark.parametrize('addon', ADDONS)
def test_zh_cn_covers_what_the_server_shows(admin_rpc, addon):
    module = admin_rpc.call('ir.module.module', 'search', [('name', '=', addon)])
    wizard = admin_rpc.call('base.language.export', 'create', {
        'lang': '__new__', 'format': 'po', 'modules': [(6, 0, module)]})
    admin_rpc.call('base.language.export', 'act_getfile', [wizard])
    data = admin_rpc.call('base.language.export', 'read', [wizard], ['data'])[0]['data']
    exported = parse_po(base64.b64decode(data).decode('utf-8'))
    with open(os.path.join(ROOT, 'addons', addon, 'i18n', 'zh_CN.po'),
              encoding='utf-8') as handle:
        translated = {msgid for _refs, msgid, msgstr in parse_po(handle.read()) if msgstr}
    # demo records (their ids end in _demo) are sample data, not interface
    missing = sorted({msgid for refs, msgid, _msgstr in exported
                      if msgid not in translated
                      and not all('_demo' in ref for ref in refs)})
    assert not missing, '%d strings without zh_CN: %s' % (len(missing), missing[:15])


def test_chinese_user_sees_chinese_menus(odoo_server, admin_rpc):
    admin_rpc.call('base.language.install', 'lang_install', [
        admin_rpc.call('base.language.install', 'create', {'lang': 'zh_CN'})])
    user_id = admin_rpc.call('res.users', 'create', {
        'name': 'Chinese Merchant', 'login': 'ort_zh_merchant', 'password': 'zh-merchant-1',
        'lang': 'zh_CN',
        'groups_id': [(6, 0, [
            admin_rpc.call('ir.model.data', 'xmlid_to_res_id', xmlid)
            for xmlid in ('overseas_returns.group_returns_manager', 'base.group_user')])]})
    assert user_id
    rpc = odoo_server.rpc('ort_zh_merchant', 'zh-merchant-1')
    names = rpc.call('overseas.return.reason', 'search_read',
                     [('code', '=', 'damaged_in_transit')], fields=['name'],
                     context={'lang': 'zh_CN'})
    assert names and names[0]['name'] != 'Damaged in transit'
    assert re.search('[\u4e00-\u9fff]', names[0]['name'])


def test_chinese_head_office_prints_a_bilingual_command_sheet(odoo_server, admin_rpc):
    """Printed in Chinese for a floor that reads English: both on the sheet; and the
    scanner answers a Chinese user in Chinese."""
    admin_rpc.call('base.language.install', 'lang_install', [
        admin_rpc.call('base.language.install', 'create', {'lang': 'zh_CN'})])
    admin_rpc.call('res.users', 'create', {
        'name': 'Head Office', 'login': 'ort_zh_office', 'password': 'zh-office-1',
        'lang': 'zh_CN',
        'groups_id': [(6, 0, [
            admin_rpc.call('ir.model.data', 'xmlid_to_res_id', xmlid)
            for xmlid in ('overseas_returns.group_returns_manager', 'base.group_user')])]})
    warehouse_id = admin_rpc.call('stock.warehouse', 'search', [], limit=1)[0]
    web = requests.Session()
    response = web.post(odoo_server.url + '/web/session/authenticate', json={
        'jsonrpc': '2.0', 'method': 'call', 'params': {
            'db': odoo_server.db, 'login': 'ort_zh_office', 'password': 'zh-office-1'}},
        timeout=60)
    assert response.json().get('result', {}).get('uid'), response.text[:300]
    response = web.get('%s/report/html/overseas_returns.report_scanner_commands/%d'
                       % (odoo_server.url, warehouse_id), timeout=120)
    assert response.status_code == 200, response.text[:500]
    html = response.text
    for chinese, english in (('确认收货', 'Validate receipt'), ('执行处置', 'Dispose of the line')):
        assert chinese in html and english in html
    assert 'Grade A' in html and re.search('等级 ?A', html)
    rpc = odoo_server.rpc('ort_zh_office', 'zh-office-1')
    scanner_id = rpc.call('overseas.return.scanner', 'create', {'warehouse_id': warehouse_id})
    result = rpc.call('overseas.return.scanner', 'scan', [scanner_id], 'ORT-BOGUS',
                      context={'lang': 'zh_CN'})
    assert result['message_type'] == 'danger'
    assert re.search('[\u4e00-\u9fff]', result['message']), result['message']
