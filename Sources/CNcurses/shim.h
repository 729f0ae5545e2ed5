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
/// Reads one key with the window's timeout: -1 when none came, 0 for a character (in *ch),
/// 1 for a function key code (in *ch, a KEY_* value).
static inline int CNcurses_get_key(unsigned int *ch) {
    wint_t w = 0;
    int r = get_wch(&w);
    if (r == ERR) return -1;
    *ch = (unsigned int)w;
    return r == KEY_CODE_YES ? 1 : 0;
}
static inline int CNcurses_KEY_UP(void) { return KEY_UP; }
static inline int CNcurses_KEY_DOWN(void) { return KEY_DOWN; }
static inline int CNcurses_KEY_LEFT(void) { return KEY_LEFT; }
static inline int CNcurses_KEY_RIGHT(void) { return KEY_RIGHT; }
static inline int CNcurses_KEY_PPAGE(void) { return KEY_PPAGE; }
static inline int CNcurses_KEY_NPAGE(void) { return KEY_NPAGE; }
static inline int CNcurses_KEY_HOME(void) { return KEY_HOME; }
static inline int CNcurses_KEY_END(void) { return KEY_END; }
static inline int CNcurses_KEY_BTAB(void) { return KEY_BTAB; }
static inline int CNcurses_KEY_ENTER(void) { return KEY_ENTER; }
static inline int CNcurses_KEY_BACKSPACE(void) { return KEY_BACKSPACE; }
static inline int CNcurses_KEY_DC(void) { return KEY_DC; }
/// Sets stdscr's input timeout in milliseconds (-1 blocks).
static inline void CNcurses_timeout(int ms) { wtimeout(stdscr, ms); }
static inline int CNcurses_keypad_on(void) { return keypad(stdscr, TRUE); }
static inline int CNcurses_clearok_on(void) { return clearok(curscr, TRUE); }
static inline int CNcurses_refresh(void) { return wrefresh(stdscr); }
#endif
