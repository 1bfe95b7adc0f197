"""The printers' health and test pages (/api/printers), and their shared script
(/static/printers/printers.js: the banner every staff screen shows when a printer is down)."""
from __future__ import annotations

from flask import Blueprint, jsonify

from core.api import api
from core.web import current_ctx
from printers import services as printing
from printers.schemas import PrintersOut, PrintQueuedOut
from staff.auth import role_guard

bp = Blueprint("printers", __name__, static_folder="static", static_url_path="/static/printers")

cook = role_guard("cook")  # printer health and test pages: the kitchen fixes its own printer


@api.route(bp, "/api/printers", "GET", guard=cook, response=PrintersOut,
           summary="Each printer's health at its last attempt, queue depth and last error")
def printers():
    return jsonify(printing.queue_status(current_ctx()))


@api.route(bp, "/api/printers/<name>/test", "POST", guard=cook, response=PrintQueuedOut, ok=(202,),
           errors=(404, 409), summary="Queue a test page for a printer")
def printer_self_test(name: str):
    return jsonify(printing.print_self_test(current_ctx(), name)), 202
