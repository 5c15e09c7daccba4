#ifndef TESSEL_CEDITLINE_SHIM_H
#define TESSEL_CEDITLINE_SHIM_H
// libedit's native API. Its configuration calls are C varargs, which Swift cannot call: these
// inline shims make each call Tessel needs a plain function.
#include <stdio.h>
#include <histedit.h>

typedef char *(*tessel_prompt_fn)(EditLine *);
typedef unsigned char (*tessel_complete_fn)(EditLine *, int);

static inline EditLine *tessel_el_init(const char *program) {
  return el_init(program, stdin, stdout, stderr);
}

static inline void tessel_el_setup(EditLine *e, tessel_prompt_fn prompt, tessel_complete_fn complete, History *h) {
  el_set(e, EL_EDITOR, "emacs");
  el_set(e, EL_PROMPT, prompt);
  el_set(e, EL_HIST, history, h);
  el_set(e, EL_ADDFN, "tessel-complete", "complete a name", complete);
  el_set(e, EL_BIND, "^I", "tessel-complete", NULL);
}

static inline History *tessel_history_init(int size) {
  History *h = history_init();
  HistEvent ev;
  history(h, &ev, H_SETSIZE, size);
  history(h, &ev, H_SETUNIQUE, 1);
  return h;
}

static inline void tessel_history_enter(History *h, const char *line) {
  HistEvent ev;
  history(h, &ev, H_ENTER, line);
}

static inline void tessel_history_load(History *h, const char *path) {
  HistEvent ev;
  history(h, &ev, H_LOAD, path);
}

static inline void tessel_history_save(History *h, const char *path) {
  HistEvent ev;
  history(h, &ev, H_SAVE, path);
}

static inline const char *tessel_el_line_buffer(EditLine *e, int *cursor) {
  const LineInfo *li = el_line(e);
  *cursor = (int)(li->cursor - li->buffer);
  return li->buffer;
}

static inline int tessel_cc_refresh(void) { return CC_REFRESH; }
static inline int tessel_cc_redisplay(void) { return CC_REDISPLAY; }
static inline int tessel_cc_error(void) { return CC_ERROR; }
#endif
