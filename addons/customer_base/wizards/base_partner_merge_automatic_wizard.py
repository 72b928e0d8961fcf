# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import _, models
from odoo.exceptions import AccessError


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        """Keep the customer card true after Odoo merged contacts: the earliest
        registration date, counters over all moved orders, and consent flags
        from the merged history."""
        partners = self.env["res.partner"].browse(partner_ids).exists()
        registration_dates = partners.mapped("customer_registration_date")
        merger = self
        if not self.env.su:
            if not self.env.user.has_group("customer_base.group_customer_manager"):
                raise AccessError(_("Only Customer Base managers can merge contacts."))
            # Odoo's merge reads every partner field, some of which are
            # restricted to administrators: Customer Base managers may merge.
            merger = self.sudo()
            dst_partner = dst_partner.sudo() if dst_partner else dst_partner
        result = super(BasePartnerMergeAutomaticWizard, merger)._merge(
            partner_ids, dst_partner=dst_partner, extra_checks=extra_checks
        )
        survivor = partners.sudo().exists()
        if len(survivor) == 1:
            if registration_dates:
                survivor.sudo().customer_registration_date = min(registration_dates)
            survivor._update_purchase_counters()
            survivor.consent_ids._apply_to_partners()
        return result
