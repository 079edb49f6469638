"""The only layer that touches raw WordprocessingML.

Everything lxml, every namespace and every element name lives in this package (as python-docx
keeps its ``oxml`` package). The modules above it deal in plain records: paths, strings, field
ids and the frozen views that :mod:`caseaudit_docx.oxml.view` returns.
"""
