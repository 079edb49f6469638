"""The form as data: descriptions, kinds and their normalising, the record, label matching."""
