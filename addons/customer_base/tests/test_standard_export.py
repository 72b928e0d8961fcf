# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import io
import json

import openpyxl

from odoo import http
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestStandardExport(HttpCase):
    """Odoo's own Export dialog goes through the same gate and the same log."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = cls.env["res.partner"].create(
            [
                {"firstname": "Олена", "lastname": "Коваленко", "acquisition_channel": "other"},
                {"firstname": "Ігор", "lastname": "Петренко", "acquisition_channel": "other"},
            ]
        )
        new_test_user(
            cls.env,
            login="cb_export_manager",
            groups="base.group_user,customer_base.group_customer_manager",
        )
        new_test_user(
            cls.env,
            login="cb_export_user",
            groups="base.group_user,customer_base.group_customer_user,base.group_allow_export",
        )

    def export_xlsx(self):
        params = {
            "model": "res.partner",
            "fields": [{"name": "name", "label": "Name"}, {"name": "phone", "label": "Phone"}],
            "ids": self.customers.ids,
            "domain": [],
            "groupby": [],
            "import_compat": False,
        }
        return self.url_open(
            "/web/export/xlsx",
            data={"data": json.dumps(params), "csrf_token": http.Request.csrf_token(self)},
        )

    def test_manager_export_is_logged(self):
        self.authenticate("cb_export_manager", "cb_export_manager")
        response = self.export_xlsx()
        self.assertEqual(response.status_code, 200)
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
        self.assertEqual(names, set(self.customers.mapped("name")))
        log = self.env["customer.export.log"].search([], limit=1)
        self.assertEqual(log.user_id.login, "cb_export_manager")
        self.assertEqual((log.record_count, log.field_names), (2, "name, phone"))

    def test_user_export_is_refused_and_not_logged(self):
        self.authenticate("cb_export_user", "cb_export_user")
        before = self.env["customer.export.log"].search_count([])
        with self.assertLogs("odoo.addons.web.controllers.export", "ERROR"):
            response = self.export_xlsx()
        self.assertNotEqual(response.status_code, 200)
        self.assertEqual(self.env["customer.export.log"].search_count([]), before)
