# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import SegmentCase


@tagged("post_install", "-at_install")
class TestAccess(SegmentCase):
    def test_user_reads_but_cannot_edit(self):
        segment = self.segment("segment_vip").with_user(self.segment_user)
        self.assertTrue(segment.name)
        with self.assertRaises(AccessError):
            segment.share_percent = 50
        with self.assertRaises(AccessError):
            self.env["customer.segment"].with_user(self.segment_user).create({"name": "X"})
        self.env["customer.segment.event"].with_user(self.segment_user).search([])
        self.env["customer.lifecycle.transition"].with_user(self.segment_user).search([])
        self.env["customer.segment.snapshot"].with_user(self.segment_user).search([])

    def test_manager_edits_rules_and_refreshes(self):
        segments = self.env["customer.segment"].with_user(self.segment_manager)
        segment = segments.create({"name": "Kyiv", "domain": "[('city', '=', 'Kyiv')]"})
        segment.share_percent = 70
        segment.action_refresh()
        self.assertTrue(segment.last_refresh)

    def test_manager_edits_templates(self):
        template = self.env.ref("customer_segments.mail_template_welcome")
        template.with_user(self.segment_manager).subject = "Hello {{ object.name }}"
        self.assertEqual(template.subject, "Hello {{ object.name }}")

    def test_outsider_has_no_access(self):
        with self.assertRaises(AccessError):
            self.env["customer.segment"].with_user(self.user).search([])
