# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import base64
import datetime
import io

import openpyxl

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CustomerBaseCase


@tagged("post_install", "-at_install")
class TestExportXlsx(CustomerBaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.anna = cls.create_customer(
            firstname="Anna",
            lastname="Shevchenko",
            phone="+380501234567",
            birth_day=5,
            birth_month="3",
            birth_year=1990,
            customer_registration_date="2024-01-15",
        )
        cls.ivan = cls.create_customer(
            firstname="Ivan",
            lastname="Bondar",
            birth_day=12,
            birth_month="7",
            customer_registration_date="2024-02-01",
        )
        cls.create_order(cls.anna, 250.0)
        cls.create_order(cls.anna, 150.0)
        cls.not_customer = cls.create_customer(firstname="Petro", lastname="Lead")

    def _export(self, user, **context):
        wizard = (
            self.env["customer.export.wizard"].with_user(user).with_context(**context).create({})
        )
        action = wizard.action_export()
        self.assertIn("download=true", action["url"])
        workbook = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.file_data)))
        return workbook.active

    def _rows_by_name(self, sheet):
        header = [cell.value for cell in sheet[1]]
        rows = {}
        for row in sheet.iter_rows(min_row=2):
            rows[row[0].value] = dict(zip(header, row, strict=True))
        return header, rows

    def test_export_all_customers(self):
        sheet = self._export(self.manager)
        header, rows = self._rows_by_name(sheet)
        self.assertEqual(header[0], "Name")
        self.assertIn("Birthday", header)
        self.assertTrue(sheet.cell(1, 1).font.bold)
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertTrue(sheet.auto_filter.ref)
        self.assertIn(self.anna.name, rows)
        self.assertIn(self.ivan.name, rows)
        self.assertNotIn(self.not_customer.name, rows)
        anna = rows[self.anna.name]
        self.assertEqual(anna["Birthday"].value, datetime.datetime(1990, 3, 5))
        self.assertTrue(anna["Birthday"].is_date)
        self.assertEqual(rows[self.ivan.name]["Birthday"].value, "12.07")
        total_label = self.env["res.partner"]._fields["purchase_total"].string
        self.assertEqual(anna[total_label].value, 400.0)
        self.assertIn("#,##0", anna[total_label].number_format)
        count_label = self.env["res.partner"]._fields["purchase_count"].string
        self.assertEqual(anna[count_label].value, 2)

    def test_export_selection_and_log(self):
        sheet = self._export(self.manager, active_model="res.partner", active_ids=[self.ivan.id])
        self.assertEqual(sheet.max_row, 2)
        log = self.env["customer.export.log"].search([], limit=1)
        self.assertEqual(log.export_type, "xlsx")
        self.assertEqual(log.record_count, 1)
        self.assertEqual(log.user_id, self.manager)
        self.assertIn("purchase_total", log.field_names)

    def test_export_refused_to_non_manager(self):
        wizard = self.env["customer.export.wizard"].with_user(self.user)
        with self.assertRaises(AccessError):
            wizard.create({}).action_export()
        self.assertFalse(self.env["customer.export.log"].search([("user_id", "=", self.user.id)]))
