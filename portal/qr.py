"""QR codes drawn as inline SVG: the second factor's set-up and the participants' evaluation
address both show one, and neither needs an image file or a script (the CSP allows inline SVG)."""

import segno


def qr_svg(text, *, title, scale=5, scalable=False):
    """The QR code of `text` as an inline <svg>, each module `scale` pixels; `scalable` leaves
    the size to the style sheet instead (a viewBox, no width or height), so it can fill a
    printed page and still shrink to a narrow phone."""
    qr = segno.make(text, error="m")
    svg = qr.svg_inline(scale=scale, border=2, title=title, omitsize=scalable)
    # role="img": read as one picture named by its <title>, not as 1,000 paths.
    return svg.replace("<svg ", '<svg role="img" ', 1)
