# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, models
from odoo.models import fix_import_export_id_paths

# Path parts that export only identifiers, never a person's data.
_ID_PARTS = frozenset({"id", ".id"})


class Base(models.AbstractModel):
    """Customer personal data leaves through exports only with the right to
    export customers, whatever model the export starts from."""

    _inherit = "base"

    @api.model
    def _customer_personal_field_names(self):
        """Names of the fields of this model that hold a customer's personal
        data; models holding such data extend this."""
        return frozenset()

    def export_data(self, fields_to_export):
        """Exports reaching customers' personal data (directly or through a
        relation, e.g. ``partner_id/email``) need the customer export right and
        are written to the export log."""
        if not self._customer_export_is_personal(fields_to_export):
            return super().export_data(fields_to_export)
        self.env["res.partner"]._check_customer_export_allowed()
        result = super().export_data(fields_to_export)
        self.env["customer.export.log"]._log_export(
            self._name, len(self), fields_to_export, "standard"
        )
        return result

    @api.model
    def _customer_export_is_personal(self, fields_to_export):
        return any(
            self._customer_export_path_is_personal(fix_import_export_id_paths(path))
            for path in fields_to_export
        )

    @api.model
    def _customer_export_path_is_personal(self, parts):
        """Whether the export path ``parts`` (a split field path) reads personal
        data. A relation exported by itself shows its record's name, so a path
        ending on a relation to a model with personal data counts as well."""
        model = self
        for part in parts:
            if part in _ID_PARTS:
                return False
            if part in model._customer_personal_field_names():
                return True
            field = model._fields.get(part)
            if not field or not field.relational:
                return False
            model = self.env[field.comodel_name]
        return bool(model._customer_personal_field_names())


class ResPartnerBank(models.Model):
    _inherit = "res.partner.bank"

    @api.model
    def _customer_personal_field_names(self):
        return frozenset({"acc_number", "sanitized_acc_number", "acc_holder_name"})
