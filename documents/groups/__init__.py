"""Interconnected procedures (liên thông, Decree 63/2024/NĐ-CP): groups defined by
administrators, and the linked dossiers of one group submission (docs/groups.md)."""
