"""Views of data collection, one module per screen."""

from ikp_web.apps.submissions.views.batch import batch, batch_template
from ikp_web.apps.submissions.views.progress import progress
from ikp_web.apps.submissions.views.questionnaire import annotated, questionnaire, template, upload
from ikp_web.apps.submissions.views.review import review
from ikp_web.apps.submissions.views.worklist import worklist

__all__ = [
    "annotated",
    "batch",
    "batch_template",
    "progress",
    "questionnaire",
    "review",
    "template",
    "upload",
    "worklist",
]
