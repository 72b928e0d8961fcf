# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import fields, models
from odoo.tools import SQL


class MailingMailing(models.Model):
    _inherit = "mailing.mailing"

    frequency_capped_count = fields.Integer(
        "Skipped by frequency cap",
        readonly=True,
        copy=False,
        help="Recipients skipped because they already received the maximum number of "
        "marketing mailings in the last 7 days; they stay in the remaining recipients.",
    )

    def _get_remaining_recipients(self):
        """Contacts mailed directly must have given marketing email consent."""
        res_ids = super()._get_remaining_recipients()
        if self.mailing_type != "mail" or self.mailing_model_real != "res.partner":
            return res_ids
        consenting = set(
            self.env["res.partner"]
            .with_context(active_test=False)
            .search([("id", "in", res_ids), ("consent_marketing_email", "=", True)])
            .ids
        )
        return [rid for rid in res_ids if rid in consenting]

    def _get_frequency_capped_ids(self, res_ids):
        """Ids among res_ids whose email got the cap of marketing mailings in 7 days."""
        self.ensure_one()
        cap = int(
            self.env["ir.config_parameter"].sudo().get_param("customer_segments.mailing_cap", 1)
        )
        model = self.env[self.mailing_model_real]
        if cap <= 0 or not res_ids or "email_normalized" not in model._fields:
            return []
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT t.id
                  FROM %(table)s t
                 WHERE t.id = ANY(%(ids)s)
                   AND (SELECT COUNT(*) FROM mailing_trace s
                         WHERE s.email = t.email_normalized
                           AND s.trace_type = 'mail'
                           AND s.mass_mailing_id != %(mailing)s
                           AND s.trace_status NOT IN ('cancel', 'error', 'bounce')
                           AND s.create_date >= %(since)s) >= %(cap)s
                """,
                table=SQL.identifier(model._table),
                ids=list(res_ids),
                mailing=self.id,
                since=fields.Datetime.now() - timedelta(days=7),
                cap=cap,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _action_send_mail(self, res_ids=None):
        """Skip recipients over the frequency cap, count them and retry them tomorrow."""
        if res_ids is not None:
            return super()._action_send_mail(res_ids)
        for mailing in self:
            if mailing.mailing_type != "mail":
                super(MailingMailing, mailing)._action_send_mail()
                continue
            remaining = mailing._get_remaining_recipients()
            capped = set(mailing._get_frequency_capped_ids(remaining))
            allowed = [rid for rid in remaining if rid not in capped]
            if allowed or not capped:
                super(MailingMailing, mailing)._action_send_mail(allowed or None)
            if capped:
                mailing.write(
                    {
                        "frequency_capped_count": len(capped),
                        "state": "in_queue",
                        "schedule_type": "scheduled",
                        "schedule_date": fields.Datetime.now() + timedelta(days=1),
                    }
                )
        return True
