# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import _, models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _merge_loyalty_cards(self, src_partners, dst_partner):
        """Bonus cards are merged through the points ledger before Odoo merges
        the other cards: Odoo would sum their balances by a direct write, which
        the ledger refuses."""
        self._merge_bonus_cards(src_partners, dst_partner)
        return super()._merge_loyalty_cards(src_partners, dst_partner)

    def _merge_bonus_cards(self, src_partners, dst_partner):
        """Keep one bonus card (the survivor's, else the first merged one); the
        balance of every other card moves to it as a pair of transfer lines,
        and the emptied cards are archived."""
        cards = self.env["loyalty.card"].sudo()
        merged = cards.search(
            [("partner_id", "in", src_partners.ids), ("is_bonus_card", "=", True)], order="id"
        )
        if not merged:
            return
        kept = cards.search(
            [("partner_id", "=", dst_partner.id), ("is_bonus_card", "=", True)], limit=1
        )
        kept = kept or merged[0]
        reason = _("Contacts merged")
        for card in merged - kept:
            if card.points:
                moved = card.points
                card._change_points(-moved, "transfer", reason=reason)
                kept._change_points(moved, "transfer", reason=reason)
            card.active = False
        kept.partner_id = dst_partner
