"""caseaudit-docx: read, pre-fill and collate the case audit form v3.2 in Word."""

from __future__ import annotations

__version__ = "0.1.0"
