"""The « Avancement » column: credited ÷ required hours painted as a progress bar with its
percentage, by the style (``QStyleOptionProgressBar``), so it looks native everywhere."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionProgressBar

from asr_desktop.ui.markets.tree_model import PROGRESS_ROLE

#: A bar is drawn to 100 % at most; the text still says 112 % when the clause is exceeded.
_SCALE = 1000


class ProgressDelegate(QStyledItemDelegate):
    """Paints ``PROGRESS_ROLE`` = ``(ratio or None, text)``: a bar when there is a ratio,
    the text alone otherwise (« … » while loading, « — » when nothing is required)."""

    def paint(self, painter, option, index: QModelIndex | QPersistentModelIndex) -> None:
        value = index.data(PROGRESS_ROLE)
        if not value or value[0] is None:
            super().paint(painter, option, index)
            return
        ratio, text = value
        # the selection / alternate background first, without any text
        background = type(option)(option)
        self.initStyleOption(background, index)
        background.text = ""
        style = background.widget.style() if background.widget else QApplication.style()
        style.drawControl(
            QStyle.ControlElement.CE_ItemViewItem, background, painter, background.widget
        )
        bar = QStyleOptionProgressBar()
        bar.rect = QRect(option.rect.adjusted(3, 3, -3, -3))
        bar.minimum, bar.maximum = 0, _SCALE
        bar.progress = int(round(min(max(ratio, 0.0), 1.0) * _SCALE))
        bar.text = text
        bar.textVisible = True
        bar.textAlignment = Qt.AlignmentFlag.AlignCenter
        bar.state = option.state | QStyle.StateFlag.State_Horizontal
        bar.palette = option.palette
        bar.fontMetrics = option.fontMetrics
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, background.widget)

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 - Qt override
        hint = super().sizeHint(option, index)
        return QSize(max(hint.width(), 110), hint.height())
