#!/usr/bin/env python3
"""Refresh an add-on's .pot and zh_CN.po from a fresh Odoo export.

Usage: i18n_sync.py ADDON EXPORT.po [EXTRA.po ...]
EXPORT.po is `odoo --i18n-export=X.po --modules=ADDON` from an installed database (no
demo data).  Translations are kept by msgid; msgids that left the code are dropped;
EXTRA.po files may bring new translations.  Prints the msgids still untranslated.
"""
import os
import re
import sys

ENTRY = re.compile(r'\n\n(?=#)')


def entries(text):
    """Split a .po file into (header, [entry blocks])."""
    blocks = ENTRY.split(text.strip('\n'))
    return blocks[0], blocks[1:]


def msg(block, key):
    match = re.search(r'^%s (".*"(?:\n".*")*)' % key, block, re.M)
    if not match:
        return ''
    return ''.join(part[1:-1] for part in match.group(1).split('\n'))


def main():
    addon, export = sys.argv[1], sys.argv[2]
    folder = os.path.join(os.path.dirname(__file__), '..', 'addons', addon, 'i18n')
    header, template = entries(open(export, encoding='utf-8').read())
    header = '\n'.join(line for line in header.splitlines()
                       if 'Creation-Date' not in line and 'Revision-Date' not in line)
    translations = {}
    for path in [os.path.join(folder, 'zh_CN.po')] + sys.argv[3:]:
        if os.path.exists(path):
            for block in entries(open(path, encoding='utf-8').read())[1]:
                if msg(block, 'msgstr'):
                    translations[msg(block, 'msgid')] = re.search(
                        r'^msgstr (".*"(?:\n".*")*)', block, re.M).group(1)
    with open(os.path.join(folder, '%s.pot' % addon), 'w', encoding='utf-8') as pot:
        pot.write(header + '\n\n' + '\n\n'.join(template) + '\n')
    zh_header = header.replace('"Plural-Forms: \\n"', '"Language: zh_CN\\n"\n'
                               '"Plural-Forms: nplurals=1; plural=0;\\n"')
    out, missing = [], []
    for block in template:
        translated = translations.get(msg(block, 'msgid'))
        if translated is None:
            missing.append(msg(block, 'msgid'))
            translated = '""'
        out.append(re.sub(r'^msgstr ""$', lambda _m: 'msgstr ' + translated, block,
                          flags=re.M))
    with open(os.path.join(folder, 'zh_CN.po'), 'w', encoding='utf-8') as po:
        po.write(zh_header + '\n\n' + '\n\n'.join(out) + '\n')
    for msgid in missing:
        print('untranslated:', msgid)
    print('%s: %d entries, %d untranslated' % (addon, len(template), len(missing)))


if __name__ == '__main__':
    main()
