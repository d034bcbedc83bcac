"""The project's vocabulary: every text a user reads (`vocabulary.messages`), in one leaf module.

Why a leaf and not in bot/: the documents a commune files — the statistics report, the logbook, the
remuneration list, the organisation list — are built by services/ and used alike by the chat (handlers/) and
the command line (bot/cli_*). Their headings, sheet names and labels are the official Vietnamese wording, and
the organisation list is even read back by its sheet and column names. So the catalogue sits below every
layer: domain, storage, services, handlers and bot may all import it, and it imports nothing of the project.
The string catalogue stays in ONE place; `bot.messages` is the same module object (bot/__init__.py), so the
chat layer keeps writing `from bot import messages as msg`.

What services do NOT do with it: answer the user. A refusal or an outcome of an action is a typed error or a
result code (e.g. services.case_form.FormError(code, **params), services.org_list.RowError); the chat layer
and the command line turn it into a sentence from this catalogue. Services use the catalogue only to render
documents and records.
"""
