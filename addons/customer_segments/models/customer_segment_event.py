# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class CustomerSegmentEvent(models.Model):
    _name = "customer.segment.event"
    _description = "Customer Segment Entry or Exit"
    _order = "date desc, id desc"

    segment_id = fields.Many2one(
        "customer.segment", required=True, ondelete="cascade", index=True, readonly=True
    )
    partner_id = fields.Many2one(
        "res.partner", required=True, ondelete="cascade", index=True, readonly=True
    )
    event_type = fields.Selection(
        [("entered", "Entered"), ("left", "Left")], required=True, readonly=True
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    company_id = fields.Many2one(related="segment_id.company_id", store=True)
    segment_kind = fields.Selection(related="segment_id.kind", store=True)
    initial = fields.Boolean(
        readonly=True,
        help="Recorded by the first refresh of the segment, which takes its starting "
        "members: such entries trigger no automation and no webhook.",
    )
