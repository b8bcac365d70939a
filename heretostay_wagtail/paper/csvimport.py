"""Reading an uploaded CSV of paper signatures into rows for :func:`entry.enter_rows`.

Spreadsheets export in many ways: UTF-8 with or without BOM, Latin-1 from older Excel,
commas or semicolons, headers in English or Spanish. Anything we can't read becomes a
clear message for the organizer, never a server error.
"""

import csv
import io
import unicodedata

from django.utils.translation import gettext as _

from heretostay_wagtail.core.conf import get_setting

#: Normalized header -> field. Headers are lower-cased, accents and punctuation removed.
HEADERS = {
    "name": "name",
    "fullname": "name",
    "nombre": "name",
    "nombrecompleto": "name",
    "email": "email",
    "emailaddress": "email",
    "correo": "email",
    "correoelectronico": "email",
    "postalcode": "postal_code",
    "postcode": "postal_code",
    "zip": "postal_code",
    "zipcode": "postal_code",
    "codigopostal": "postal_code",
    "cp": "postal_code",
    "phone": "phone",
    "phonenumber": "phone",
    "telephone": "phone",
    "mobile": "phone",
    "telefono": "phone",
    "celular": "phone",
    "comment": "comment",
    "comments": "comment",
    "comentario": "comment",
    "comentarios": "comment",
    "optin": "opt_in",
    "mailinglist": "opt_in",
    "jointhemailinglist": "opt_in",
    "joinmailinglist": "opt_in",
    "listadecorreo": "opt_in",
    "unirsealalistadecorreo": "opt_in",
    "sheet": "sheet_code",
    "sheetcode": "sheet_code",
    "papersheetcode": "sheet_code",
    "hoja": "sheet_code",
    "codigodehoja": "sheet_code",
}
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")


class CSVError(ValueError):
    """A problem with the whole file, with a message for the organizer."""


def _normalize_header(value):
    value = unicodedata.normalize("NFKD", value or "")
    return "".join(ch for ch in value.lower() if ch.isalnum())


def decode(raw):
    if b"\x00" in raw[:4096]:
        raise CSVError(
            _(
                "This file is not a CSV text file. In your spreadsheet, choose “Save as” > CSV UTF-8."
            )
        )
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CSVError(_("Could not read the file's text encoding. Save it as CSV UTF-8."))


def read_upload(upload, petition):
    """Rows ``(line number, dict)`` from an uploaded file, plus ignored column names.

    Raises :class:`CSVError` for an oversized, unreadable, empty or incomplete file.
    """
    max_size = get_setting("MAX_UPLOAD_SIZE")
    if upload.size > max_size:
        raise CSVError(
            _("The file is too large (%(size)s KB). The limit is %(max)s KB.")
            % {"size": upload.size // 1024, "max": max_size // 1024}
        )
    raw = upload.read(max_size + 1)
    if len(raw) > max_size:
        raise CSVError(
            _("The file is too large. The limit is %(max)s KB.") % {"max": max_size // 1024}
        )
    text = decode(raw)
    return parse(text, petition)


def parse(text, petition):
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise CSVError(_("The file is empty. The first line must name the columns."))
    try:
        dialect = csv.Sniffer().sniff(lines[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise CSVError(_("The first line must name the columns.")) from exc
    mapping, ignored = {}, []
    for index, heading in enumerate(header):
        key = HEADERS.get(_normalize_header(heading))
        if key and key not in mapping.values():
            mapping[index] = key
        elif heading.strip():
            ignored.append(heading.strip())
    missing = [label for key, label in _required_columns(petition) if key not in mapping.values()]
    if missing:
        raise CSVError(
            _("Missing columns: %(columns)s. The first line must name the columns.")
            % {"columns": ", ".join(missing)}
        )
    max_rows = get_setting("PAPER_MAX_ROWS")
    rows = []
    try:
        for values in reader:
            if len(rows) >= max_rows:
                raise CSVError(
                    _("The file has more than %(max)s rows. Split it into smaller files.")
                    % {"max": max_rows}
                )
            row = {key: values[i] if i < len(values) else "" for i, key in mapping.items()}
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise CSVError(
            _("Line %(line)s of the file could not be read: %(error)s")
            % {"line": reader.line_num, "error": exc}
        ) from exc
    return rows, ignored


def _required_columns(petition):
    from heretostay_wagtail.petitions.models import FieldChoice

    required = [("name", _("Name")), ("email", _("Email"))]
    if petition.ask_postal_code == FieldChoice.REQUIRED:
        required.append(("postal_code", _("Postal code")))
    if petition.ask_phone == FieldChoice.REQUIRED:
        required.append(("phone", _("Phone")))
    if petition.ask_comment == FieldChoice.REQUIRED:
        required.append(("comment", _("Comment")))
    return required
