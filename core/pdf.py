"""A Chinese font for the PDFs we make (letters, reports, campaign summaries), registered once per process."""

import logging
from functools import lru_cache
from pathlib import Path

logger = logging.getLogger(__name__)

# TrueType CJK fonts from Debian's packages (fonts-wqy-zenhei, fonts-arphic-uming), the first found embedded.
CJK_FONTS = [("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
             ("/usr/share/fonts/truetype/arphic/uming.ttc", 0)]


@lru_cache(maxsize=1)
def cjk_font():
    """The name of a registered CJK font: a TrueType font embedded (subset), else the non-embedded STSong-Light
    that viewers without Chinese fonts show as boxes."""
    from reportlab.pdfbase import pdfmetrics  # heavy: loaded only when a file is made
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # heavy: loaded only when a file is made
    from reportlab.pdfbase.ttfonts import TTFont  # heavy: loaded only when a file is made

    for path, index in CJK_FONTS:
        if Path(path).exists():
            pdfmetrics.registerFont(TTFont("UlanxinCJK", path, subfontIndex=index))
            return "UlanxinCJK"
    logger.warning("pdf: none of %s is installed; the PDF font will not be embedded", [p for p, _i in CJK_FONTS])
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"
