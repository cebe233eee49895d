"""putText and getTextSize with a built-in Hershey Simplex font (cv/hershey_simplex.h, cv/draw_text.cpp).
Only FONT_HERSHEY_SIMPLEX is built in; the other cv2 font faces raise mnnx.cv.error."""
from .. import _C
from ._fcommon import error

FONT_HERSHEY_SIMPLEX = 0


def _font(fontFace, func):
    if int(fontFace) != FONT_HERSHEY_SIMPLEX:
        raise error(f"{func}: only FONT_HERSHEY_SIMPLEX is built into mnnx.cv, got fontFace={fontFace}")


def _text_bytes(text, func):
    if not isinstance(text, str):
        raise error(f"{func}: text must be a str, got {type(text).__name__}")
    # cv2 reads UTF-8 and draws '?' for anything outside its ASCII table; one '?' per character here.
    return text.encode("ascii", "replace")


def getTextSize(text, fontFace, fontScale, thickness):
    _font(fontFace, "getTextSize")
    return _C.cv_text_size(_text_bytes(text, "getTextSize"), float(fontScale), int(thickness))


def putText(img, text, org, fontFace, fontScale, color, thickness=1, lineType=8, bottomLeftOrigin=False):
    from ._draw import _Canvas, _point, _thickness
    _font(fontFace, "putText")
    cv = _Canvas(img, "putText")
    x, y = _point(org, "putText", "org")
    data = _text_bytes(text, "putText")
    if data:
        _C.cv_put_text(cv.work, data, x, y, float(fontScale), cv.color(color, "putText"),
                       _thickness(thickness, "putText", False), cv.line_type(lineType, "putText"),
                       bool(bottomLeftOrigin))
    return cv.done()


__all__ = ["FONT_HERSHEY_SIMPLEX", "getTextSize", "putText"]
