# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import base64
import tempfile

import xlsxwriter

from odoo import _, api, fields, models
from odoo.tools.safe_eval import safe_eval

BATCH_SIZE = 2000

# (field name, column kind); the header is the field's label
EXPORT_COLUMNS = [
    ("name", "text"),
    ("firstname", "text"),
    ("lastname", "text"),
    ("middlename", "text"),
    ("phone", "text"),
    ("mobile", "text"),
    ("email", "text"),
    ("birthday", "birthday"),
    ("gender", "selection"),
    ("city", "text"),
    ("country_id", "many2one"),
    ("customer_registration_date", "date"),
    ("acquisition_channel", "selection"),
    ("consent_personal_data", "boolean"),
    ("consent_marketing_email", "boolean"),
    ("consent_marketing_sms", "boolean"),
    ("purchase_count", "integer"),
    ("purchase_total", "money"),
    ("purchase_average", "money"),
    ("first_purchase_date", "date"),
    ("last_purchase_date", "date"),
    ("user_id", "many2one"),
    ("category_id", "tags"),
]
BIRTHDAY_FIELDS = ["birth_day", "birth_month", "birth_year", "birthdate"]


class CustomerExportWizard(models.TransientModel):
    """Write the customer base (or a part of it) to an XLSX file.

    Partners are read in batches and xlsxwriter streams rows to disk
    (``constant_memory``), so memory stays flat on large bases.
    """

    _name = "customer.export.wizard"
    _description = "Customer XLSX Export"

    scope = fields.Selection(
        [("all", "All customers"), ("selection", "Selected or filtered customers")],
        required=True,
        default=lambda self: "selection" if self._default_domain() != "[]" else "all",
    )
    domain = fields.Char(default=lambda self: self._default_domain())
    file_data = fields.Binary("File", readonly=True, attachment=False)
    file_name = fields.Char(readonly=True)

    @api.model
    def _default_domain(self):
        """The selected customers, else the filter of the list it was opened from."""
        context = self.env.context
        if context.get("active_model") != "res.partner":
            return "[]"
        if context.get("active_ids"):
            return repr([("id", "in", context["active_ids"])])
        return repr(context.get("active_domain") or [])

    def _customer_domain(self):
        domain = [("customer_registration_date", "!=", False)]
        if self.scope == "selection":
            domain += safe_eval(self.domain or "[]")
        return domain

    def action_export(self):
        self.ensure_one()
        partners_model = self.env["res.partner"]
        partners_model._check_customer_export_allowed()
        partner_ids = partners_model.search(self._customer_domain(), order="id").ids
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
            self._write_workbook(tmp.name, partner_ids)
            tmp.seek(0)
            data = tmp.read()
        self.write(
            {
                "file_data": base64.b64encode(data),
                "file_name": "customers-%s.xlsx" % fields.Date.context_today(self),
            }
        )
        self.env["customer.export.log"]._log_export(
            "res.partner", len(partner_ids), [fname for fname, _kind in EXPORT_COLUMNS], "xlsx"
        )
        return {
            "type": "ir.actions.act_url",
            "url": "/web/content/?model=%s&id=%s&field=file_data&filename_field=file_name"
            "&download=true" % (self._name, self.id),
            "target": "self",
        }

    def _write_workbook(self, path, partner_ids):
        workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
        sheet = workbook.add_worksheet(_("Customers"))
        formats = self._workbook_formats(workbook)
        headers = self._column_headers()
        for col, header in enumerate(headers):
            sheet.write(0, col, header, formats["header"])
        sheet.freeze_panes(1, 0)
        row = 1
        for start in range(0, len(partner_ids), BATCH_SIZE):
            for values in self._read_batch(partner_ids[start : start + BATCH_SIZE]):
                for col, (fname, kind) in enumerate(EXPORT_COLUMNS):
                    self._write_cell(sheet, row, col, kind, values[fname], formats)
                row += 1
        sheet.autofilter(0, 0, max(row - 1, 0), len(headers) - 1)
        workbook.close()

    @api.model
    def _workbook_formats(self, workbook):
        currency = self.env.company.currency_id
        decimals = "0." + "0" * currency.decimal_places if currency.decimal_places else "0"
        return {
            "header": workbook.add_format({"bold": True}),
            "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
            "money": workbook.add_format({"num_format": "#,##%s" % decimals}),
        }

    @api.model
    def _column_headers(self):
        partner_fields = self.env["res.partner"]._fields
        return [
            _("Birthday")
            if fname == "birthday"
            else partner_fields[fname]._description_string(self.env)
            for fname, _kind in EXPORT_COLUMNS
        ]

    @api.model
    def _read_batch(self, ids):
        """Read one batch of partners, counters for the current company."""
        partners = self.env["res.partner"].with_company(self.env.company).browse(ids)
        fnames = [fname for fname, _kind in EXPORT_COLUMNS if fname != "birthday"]
        rows = partners.read(fnames + BIRTHDAY_FIELDS, load="_classic_read")
        selections = {
            fname: dict(partners._fields[fname]._description_selection(self.env))
            for fname, kind in EXPORT_COLUMNS
            if kind == "selection"
        }
        tag_ids = {tag_id for row in rows for tag_id in row["category_id"]}
        tag_names = {
            tag["id"]: tag["display_name"]
            for tag in self.env["res.partner.category"].browse(tag_ids).read(["display_name"])
        }
        for row in rows:
            row["birthday"] = self._birthday_value(row)
            row["category_id"] = ", ".join(tag_names[tag_id] for tag_id in row["category_id"])
            for fname, labels in selections.items():
                row[fname] = labels.get(row[fname], "")
        partners.invalidate_recordset()
        return rows

    @api.model
    def _birthday_value(self, row):
        """The full date when the year is known, else ``dd.mm``."""
        if row["birthdate"]:
            return row["birthdate"]
        if row["birth_day"] and row["birth_month"]:
            return "%02d.%02d" % (row["birth_day"], int(row["birth_month"]))
        return False

    @api.model
    def _write_cell(self, sheet, row, col, kind, value, formats):
        if value is False or value is None:
            if kind in ("integer", "money"):
                sheet.write_number(row, col, 0, formats.get(kind))
            return
        if kind == "many2one":
            sheet.write_string(row, col, value[1])
        elif kind in ("date", "birthday") and not isinstance(value, str):
            sheet.write_datetime(row, col, value, formats["date"])
        elif kind == "boolean":
            sheet.write_boolean(row, col, value)
        elif kind in ("integer", "money"):
            sheet.write_number(row, col, value, formats.get(kind))
        else:
            sheet.write_string(row, col, str(value))
