# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG


class CustomerExportLog(models.Model):
    """Who exported how many customers, when, and which fields.

    Lines are written with superuser rights by the export paths; nobody can
    edit or delete them.
    """

    _name = "customer.export.log"
    _description = "Customer Export Log"
    _order = "create_date desc, id desc"

    user_id = fields.Many2one("res.users", required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    model = fields.Char(required=True, readonly=True)
    record_count = fields.Integer("Records", readonly=True)
    field_names = fields.Text("Fields", readonly=True)
    export_type = fields.Selection(
        [("standard", "Standard export"), ("xlsx", "Customer XLSX export")],
        required=True,
        readonly=True,
    )

    @api.model
    def _log_export(self, model, record_count, field_names, export_type):
        return self.sudo().create(
            {
                "user_id": self.env.uid,
                "company_id": self.env.company.id,
                "model": model,
                "record_count": record_count,
                "field_names": ", ".join(field_names),
                "export_type": export_type,
            }
        )

    def write(self, vals):
        if not self.env.context.get(MODULE_UNINSTALL_FLAG):
            raise UserError(_("The export log cannot be changed."))
        return super().write(vals)

    def unlink(self):
        if not self.env.context.get(MODULE_UNINSTALL_FLAG):
            raise UserError(_("The export log cannot be deleted."))
        return super().unlink()
