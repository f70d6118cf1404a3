"""The files a dunning notice produces: the PDF letter and an email draft (``.eml``).

The draft is a standard MIME message (UTF-8, so Chinese subjects and bodies survive every
mail client) with the PDF attached; it is opened and sent from the user's own mail client
(``X-Unsent: 1`` makes Outlook open it as a draft). Nothing here reads the database.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path

from desktop_ar.documents.base import CompanyInfo, Document, build_documents
from desktop_ar.documents.dunning import dunning_flowables, dunning_title
from desktop_ar.services.dunning_letters import DunningLetter, letter_text

__all__ = ["discard_staged", "email_draft", "letter_pdf", "stage_file"]


def letter_pdf(letter: DunningLetter, company: CompanyInfo, *, paper: str = "A4") -> bytes:
    """The dunning letter as a one-document PDF."""
    buf = io.BytesIO()
    doc = Document(dunning_flowables(letter, company), letter.language, dunning_title(letter))
    build_documents(buf, [doc], paper=paper, title=doc.title, author=company.name)
    return buf.getvalue()


def email_draft(
    letter: DunningLetter,
    *,
    to: str,
    sender: str,
    pdf: bytes,
    pdf_name: str,
    when: datetime | None = None,
) -> bytes:
    """An email draft of ``letter`` (filled from the level's email template) as ``.eml`` bytes.

    Args:
        letter: the letter built from the email template (its body keeps ``{items}``, which
            becomes the items as plain text).
        to: the recipient address; empty leaves ``To`` blank for the user to fill in.
        sender: our company's address (may be empty).
        pdf: the PDF letter to attach.
        pdf_name: the attachment's file name.
        when: the Date header (None: no Date header; the mail client sets it on sending).
    """
    msg = EmailMessage()
    msg["Subject"] = letter.subject
    msg["To"] = to.strip()
    if sender.strip():
        msg["From"] = sender.strip()
    if when is not None:
        msg["Date"] = format_datetime(when)
    msg["X-Unsent"] = "1"
    msg.set_content(letter_text(letter), charset="utf-8")
    msg.add_attachment(pdf, maintype="application", subtype="pdf", filename=pdf_name)
    return msg.as_bytes(policy=SMTP)


def stage_file(final: Path, data: bytes) -> Path:
    """``data`` in a hidden temporary file next to ``final``, to be renamed once all is well."""
    fd, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        if hasattr(os, "fchmod"):  # not on Windows
            os.fchmod(fh.fileno(), 0o644)
    return Path(name)


def discard_staged(staged: list[tuple[Path, Path]]) -> None:
    """Remove the temporary files of (temporary, final) pairs (after a failure)."""
    for tmp, _final in staged:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
