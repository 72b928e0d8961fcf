# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import _, models
from odoo.exceptions import AccessError


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _check_customer_merge_rights(self, partners):
        """Refuse a merge the user may not do, before anything is changed.

        Administrators keep Odoo's rules. Other users need the Customer Base
        manager group and never merge contacts linked to users: merging a
        user's contact into another one would hand over that user's login
        (its email receives the password reset).
        """
        if self.env.is_admin():
            return
        if not self.env.user.has_group("customer_base.group_customer_manager"):
            raise AccessError(_("Only Customer Base managers can merge contacts."))
        if partners.sudo().with_context(active_test=False).user_ids:
            raise AccessError(_("Only administrators can merge contacts linked to users."))

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        """Merge with the user's own rights and Odoo's checks, then keep the
        customer card true: the earliest registration date, counters over all
        moved orders, and consent flags from the merged history."""
        partners = self.env["res.partner"].browse(partner_ids).exists()
        self._check_customer_merge_rights(partners)
        registration_dates = partners.mapped("customer_registration_date")
        result = super()._merge(partner_ids, dst_partner=dst_partner, extra_checks=extra_checks)
        survivor = partners.exists()
        if len(survivor) == 1:
            if registration_dates:
                # A read-only field of the card: the merge was allowed above.
                survivor.sudo().customer_registration_date = min(registration_dates)
            survivor._update_purchase_counters()
            survivor.consent_ids._apply_to_partners()
        return result

    def _update_values(self, src_partners, dst_partner):
        """Odoo copies any set boolean of the merged contacts onto the survivor;
        consent flags must instead follow the history, which Odoo has moved to
        the survivor by now: bring every flag in line with it first so that
        the copy agrees with the history.

        Odoo reads every field of the merged contacts, some restricted to
        administrators (credit limit...): the copy runs as the system, after
        ``_merge`` checked that this user may merge these contacts.
        """
        partners = src_partners | dst_partner
        decisions = self.env["customer.consent"].sudo()._latest_decisions(partners.ids)
        partners._sync_consent_flags(decisions)
        return super(BasePartnerMergeAutomaticWizard, self.sudo())._update_values(
            src_partners.sudo(), dst_partner.sudo()
        )
