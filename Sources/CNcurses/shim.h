#ifndef CNCURSES_SHIM_H
#define CNCURSES_SHIM_H
// ncursesw exposes stdscr, LINES, COLS and the attribute macros as globals and
// macros that Swift cannot use directly; these inline getters wrap them.
#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <ncursesw/curses.h>
#include <locale.h>

static inline WINDOW *CNcurses_stdscr(void) { return stdscr; }
static inline int CNcurses_LINES(void) { return LINES; }
static inline int CNcurses_COLS(void) { return COLS; }
static inline int CNcurses_COLORS(void) { return COLORS; }
static inline attr_t CNcurses_COLOR_PAIR(int n) { return (attr_t)COLOR_PAIR(n); }
static inline attr_t CNcurses_A_NORMAL(void) { return A_NORMAL; }
static inline attr_t CNcurses_A_BOLD(void) { return A_BOLD; }
static inline attr_t CNcurses_A_REVERSE(void) { return A_REVERSE; }
static inline attr_t CNcurses_A_UNDERLINE(void) { return A_UNDERLINE; }
static inline attr_t CNcurses_A_DIM(void) { return A_DIM; }
static inline int CNcurses_ERR(void) { return ERR; }
static inline int CNcurses_KEY_RESIZE(void) { return KEY_RESIZE; }
static inline int CNcurses_KEY_F(int n) { return KEY_F(n); }
static inline int CNcurses_setlocale_all(void) { return setlocale(LC_ALL, "") != NULL; }
/// Writes one wide character with attributes at (y, x).
static inline int CNcurses_put_wchar(int y, int x, wchar_t ch, attr_t attrs, short pair) {
    cchar_t cc;
    wchar_t wstr[2] = { ch, 0 };
    setcchar(&cc, wstr, attrs, pair, NULL);
    return mvadd_wch(y, x, &cc);
}
#endif
