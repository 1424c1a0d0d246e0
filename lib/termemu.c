// A terminal's screen: cells, cursor, scrolling, a few escape sequences
// (include/lib/termemu.h).
//
// Every change marks the rows it touched dirty (one band, top to bottom),
// and the cursor's old and new rows; TermRender draws that band and
// forgets it, so typing a character redraws one row and a scroll the
// whole screen.
#include <stddef.h>
#include <lib/string.h>
#include <lib/termemu.h>

const uint32_t termPalette[16] = {
    0x000000, 0xaa0000, 0x00aa00, 0xaa5500, 0x0000aa, 0xaa00aa, 0x00aaaa, 0xaaaaaa,
    0x555555, 0xff5555, 0x55ff55, 0xffff55, 0x5555ff, 0xff55ff, 0x55ffff, 0xffffff,
};

static void Dirty(Term *t, uint32_t top, uint32_t bottom)
{
    if (t->dirtyTop >= t->dirtyBottom) {
        t->dirtyTop = top;
        t->dirtyBottom = bottom;
        return;
    }
    if (top < t->dirtyTop)
        t->dirtyTop = top;
    if (bottom > t->dirtyBottom)
        t->dirtyBottom = bottom;
}

static void ClearCells(Term *t, uint32_t row, uint32_t from, uint32_t to)
{
    for (uint32_t x = from; x < to && x < t->cols; x++)
        t->cells[row][x] = (TermCell){ ' ', t->attr };
    Dirty(t, row, row + 1);
}

static uint32_t Clamp(uint32_t v, uint32_t low, uint32_t high)
{
    return v < low ? low : v > high ? high : v;
}

void TermInit(Term *t, uint32_t cols, uint32_t rows)
{
    memset(t, 0, sizeof(*t));
    t->cols = Clamp(cols, 1, TERM_COLS_MAX);
    t->rows = Clamp(rows, 1, TERM_ROWS_MAX);
    t->attr = TERM_DEFAULT_ATTR;
    for (uint32_t y = 0; y < t->rows; y++)
        ClearCells(t, y, 0, t->cols);
}

void TermResize(Term *t, uint32_t cols, uint32_t rows)
{
    uint32_t oldRows = t->rows, oldCols = t->cols, drop;

    cols = Clamp(cols, 1, TERM_COLS_MAX);
    rows = Clamp(rows, 1, TERM_ROWS_MAX);
    // Keep the bottom lines up to the cursor's when the screen loses rows.
    drop = t->cy + 1 > rows ? t->cy + 1 - rows : 0;
    if (drop)
        memmove(t->cells[0], t->cells[drop], (oldRows - drop) * sizeof(t->cells[0]));
    t->cy -= drop;
    t->cols = cols;
    t->rows = rows;
    for (uint32_t y = 0; y < rows; y++)
        ClearCells(t, y, y < oldRows - drop ? oldCols : 0, cols);
    t->cx = t->cx < cols ? t->cx : cols - 1;
    t->wrapPending = 0;
    Dirty(t, 0, rows);
}

static void ScrollUp(Term *t)
{
    memmove(t->cells[0], t->cells[1], (t->rows - 1) * sizeof(t->cells[0]));
    ClearCells(t, t->rows - 1, 0, t->cols);
    Dirty(t, 0, t->rows);
    t->scrolled++;
}

static void NewLine(Term *t)
{
    t->cx = 0;
    t->wrapPending = 0;
    if (t->cy + 1 < t->rows)
        t->cy++;
    else
        ScrollUp(t);
}

static void Put(Term *t, uint8_t ch)
{
    uint8_t attr = t->reverse ? (uint8_t)((t->attr >> 4) | (t->attr << 4)) : t->attr;

    if (t->wrapPending)
        NewLine(t);
    t->cells[t->cy][t->cx] = (TermCell){ ch, attr };
    Dirty(t, t->cy, t->cy + 1);
    if (t->cx + 1 < t->cols)
        t->cx++;
    else
        t->wrapPending = 1;
}

static uint32_t Param(const Term *t, uint32_t i, uint32_t otherwise)
{
    return i < t->paramCount && t->params[i] ? t->params[i] : otherwise;
}

static void Erase(Term *t, int inLine)
{
    uint32_t how = Param(t, 0, 0);

    if (inLine) {
        ClearCells(t, t->cy, how == 0 ? t->cx : 0, how == 1 ? t->cx + 1 : t->cols);
        return;
    }
    for (uint32_t y = 0; y < t->rows; y++) {
        if ((how == 0 && y > t->cy) || (how == 1 && y < t->cy) || how == 2)
            ClearCells(t, y, 0, t->cols);
        else if (y == t->cy && how != 2)
            ClearCells(t, y, how == 0 ? t->cx : 0, how == 1 ? t->cx + 1 : t->cols);
    }
}

static void Colours(Term *t)
{
    if (t->paramCount == 0)
        t->paramCount = 1, t->params[0] = 0;
    for (uint32_t i = 0; i < t->paramCount; i++) {
        uint32_t p = t->params[i];
        if (p == 0) {
            t->attr = TERM_DEFAULT_ATTR;
            t->reverse = 0;
        } else if (p == 1) {
            t->attr |= 0x08;
        } else if (p == 7 || p == 27) {
            t->reverse = p == 7;
        } else if (p >= 30 && p <= 37) {
            t->attr = (uint8_t)((t->attr & 0xf8) | (p - 30));
        } else if (p >= 90 && p <= 97) {
            t->attr = (uint8_t)((t->attr & 0xf0) | (p - 90 + 8));
        } else if (p == 39) {
            t->attr = (uint8_t)((t->attr & 0xf0) | (TERM_DEFAULT_ATTR & 0x0f));
        } else if (p >= 40 && p <= 47) {
            t->attr = (uint8_t)((t->attr & 0x0f) | (p - 40) << 4);
        } else if (p == 49) {
            t->attr = (uint8_t)((t->attr & 0x0f) | (TERM_DEFAULT_ATTR & 0xf0));
        }
    }
}

// The final byte of ESC [ ... : act on it.
static void Sequence(Term *t, uint8_t final)
{
    uint32_t n = Param(t, 0, 1);

    if (final != 'm')
        t->wrapPending = 0;         // the cursor moves (colours leave it be)
    switch (final) {
    case 'A': t->cy = t->cy > n ? t->cy - n : 0; break;
    case 'B': t->cy = Clamp(t->cy + n, 0, t->rows - 1); break;
    case 'C': t->cx = Clamp(t->cx + n, 0, t->cols - 1); break;
    case 'D': t->cx = t->cx > n ? t->cx - n : 0; break;
    case 'H':
    case 'f':
        t->cy = Clamp(Param(t, 0, 1), 1, t->rows) - 1;
        t->cx = Clamp(Param(t, 1, 1), 1, t->cols) - 1;
        break;
    case 'J': Erase(t, 0); break;
    case 'K': Erase(t, 1); break;
    case 'm': Colours(t); break;
    default: break;
    }
}

// One byte inside an escape sequence.
static void Escape(Term *t, uint8_t b)
{
    if (t->escape == 1) {
        // ESC [ a sequence; ESC ( or ) and one byte: a character set;
        // ESC ] text up to BEL or ESC: an operating system command.
        t->escape = b == '[' ? 2 : b == '(' || b == ')' ? 3 : b == ']' ? 4 : 0;
        t->paramCount = 0;
        memset(t->params, 0, sizeof(t->params));
        return;
    }
    if (t->escape == 3 || t->escape == 4) {
        t->escape = t->escape == 4 && b == 0x1b ? 1 : t->escape == 4 && b != 0x07 ? 4 : 0;
        return;
    }
    if (b >= '0' && b <= '9') {
        if (t->paramCount == 0)
            t->paramCount = 1;
        uint32_t *p = &t->params[t->paramCount - 1];
        *p = *p < 10000 ? *p * 10 + (b - '0') : *p;
    } else if (b == ';') {
        if (t->paramCount == 0)
            t->paramCount = 1;
        if (t->paramCount < TERM_PARAMS_MAX)
            t->params[t->paramCount++] = 0;
    } else if (b >= 0x40 && b <= 0x7e) {
        Sequence(t, b);
        t->escape = 0;
    } else if (b < 0x20 || b > 0x7e) {
        t->escape = 0;              // not a sequence after all
    }
}

static void Byte(Term *t, uint8_t b)
{
    if (t->escape) {
        Escape(t, b);
        return;
    }
    switch (b) {
    case 0x1b: t->escape = 1; break;
    case '\n': NewLine(t); break;
    case '\r': t->cx = 0; t->wrapPending = 0; break;
    case '\b':
        if (t->wrapPending)
            t->wrapPending = 0;
        else if (t->cx > 0)
            t->cx--;
        break;
    case '\t':
        while (t->cx + 1 < t->cols && (++t->cx) % 8 != 0)
            ;
        break;
    default:
        if ((b >= 0x20 && b < 0x7f) || b >= 0xa0)
            Put(t, b);
        break;
    }
}

void TermWrite(Term *t, const char *bytes, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        Byte(t, (uint8_t)bytes[i]);
    if (t->cx != t->drawnCx || t->cy != t->drawnCy) {
        Dirty(t, t->drawnCy, t->drawnCy + 1);
        Dirty(t, t->cy, t->cy + 1);
    }
}

Rect TermRender(Term *t, Surface *s, const Font *f)
{
    int32_t cw = (int32_t)f->width, ch = (int32_t)f->height;
    Rect all = SurfaceBounds(s), drawn;

    if (t->drawnCy < t->rows && (t->cx != t->drawnCx || t->cy != t->drawnCy))
        Dirty(t, t->drawnCy, t->drawnCy + 1);
    if (t->dirtyTop >= t->dirtyBottom)
        return RectMake(0, 0, 0, 0);
    if (t->dirtyBottom > t->rows)
        t->dirtyBottom = t->rows;
    for (uint32_t y = t->dirtyTop; y < t->dirtyBottom; y++) {
        for (uint32_t x = 0; x < t->cols; x++) {
            TermCell c = t->cells[y][x];
            uint8_t attr = c.attr;
            if (x == t->cx && y == t->cy)
                attr = (uint8_t)((attr >> 4) | (attr << 4));
            SurfaceDrawGlyph(s, f, (int32_t)x * cw, (int32_t)y * ch, c.ch,
                             termPalette[attr & 15], termPalette[attr >> 4], all);
        }
    }
    drawn = RectIntersect(RectMake(0, (int32_t)t->dirtyTop * ch, (int32_t)t->cols * cw,
                                   (int32_t)(t->dirtyBottom - t->dirtyTop) * ch), all);
    t->dirtyTop = t->dirtyBottom = 0;
    t->drawnCx = t->cx;
    t->drawnCy = t->cy;
    return drawn;
}
