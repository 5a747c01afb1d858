/* The per-char, per-object and per-path loops of etl/readers/pdfium.py in C, for speed only.
 *
 * pdfium's functions come in as pointers (the ones pypdfium2 already loaded), so this
 * file links against nothing; each loop makes exactly the calls the Python fallback in
 * pdfium.py makes and stores what they return, nothing more.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

typedef struct {
  float left, top, right, bottom; /* pdfium's FS_RECTF */
} rectf;

typedef int (*char_int_fn)(void *text_page, int index);
typedef int (*char_box_fn)(void *text_page, int index, rectf *box);
typedef int (*char_origin_fn)(void *text_page, int index, double *x, double *y);
typedef void *(*char_object_fn)(void *text_page, int index);
typedef double (*char_size_fn)(void *text_page, int index);
typedef float (*char_angle_fn)(void *text_page, int index);
typedef unsigned long (*font_info_fn)(void *text_page, int index, void *buffer,
                                      unsigned long length, int *flags);
typedef void *(*page_object_fn)(void *page, int index);
typedef int (*object_type_fn)(void *object);

/* Given a text page, its char count, the angle under which a char is upright and room
 * for max_fonts + 1 font names of name_bytes each (the last is scratch), fill per char:
 * whether pdfium generated it, its loose box's left and right, its origin's y, whether
 * its glyph has no Unicode mapping, its font size, whether it is upright and the index
 * of its font's name in names.  Size, angle and font belong to the
 * char's text object, so they are read again only where the object changes.  Return the
 * number of font names, or -1 when the page has more than max_fonts. */
int char_geometry(void *text_page, int count, char_int_fn is_generated,
                  char_box_fn loose_box, char_origin_fn origin,
                  char_object_fn text_object, char_int_fn map_error,
                  char_size_fn font_size, char_angle_fn char_angle,
                  font_info_fn font_info, uint8_t *generated, float *left,
                  float *right, double *origin_y, uint8_t *unmapped, double *size,
                  uint8_t *upright, int32_t *font, double upright_angle,
                  char *names, int max_fonts, unsigned long name_bytes) {
  rectf box = {0, 0, 0, 0};
  double x = 0, y = 0;
  void *last_object = 0;
  char *name = names + (size_t)max_fonts * name_bytes;
  int flags = 0, fonts = 0;
  for (int i = 0; i < count; i++) {
    generated[i] = is_generated(text_page, i) != 0;
    loose_box(text_page, i, &box);
    origin(text_page, i, &x, &y);
    left[i] = box.left;
    right[i] = box.right;
    origin_y[i] = y;
    unmapped[i] = map_error(text_page, i) == 1;
    void *object = text_object(text_page, i);
    if (i > 0 && object && object == last_object) {
      size[i] = size[i - 1];
      upright[i] = upright[i - 1];
      font[i] = font[i - 1];
      continue;
    }
    last_object = object;
    size[i] = font_size(text_page, i);
    upright[i] = fabs((double)char_angle(text_page, i)) < upright_angle;
    unsigned long got = font_info(text_page, i, name, name_bytes, &flags);
    if (got == 0 || got > name_bytes)
      name[0] = 0; /* no font, or a name too long to read: unnamed */
    int k = 0;
    while (k < fonts && strcmp(names + (size_t)k * name_bytes, name) != 0)
      k++;
    if (k == fonts) {
      if (fonts == max_fonts)
        return -1;
      memcpy(names + (size_t)k * name_bytes, name, strlen(name) + 1);
      fonts++;
    }
    font[i] = k;
  }
  return fonts;
}

/* Given a page and its object count, fill each page object's address and type. */
void page_objects(void *page, int count, page_object_fn page_object,
                  object_type_fn object_type, uint64_t *objects, int32_t *types) {
  for (int i = 0; i < count; i++) {
    void *object = page_object(page, i);
    objects[i] = (uint64_t)(uintptr_t)object;
    types[i] = object_type(object);
  }
}

typedef int (*draw_mode_fn)(void *object, int *fill, int *stroke);
typedef int (*matrix_fn)(void *object, float *matrix);
typedef int (*count_segments_fn)(void *object);
typedef void *(*segment_fn)(void *object, int index);
typedef int (*segment_type_fn)(void *segment);
typedef int (*segment_point_fn)(void *segment, float *x, float *y);
typedef int (*segment_close_fn)(void *segment);

/* Given a page's path objects and room for max_segments segments in all, fill per path its
 * fill and stroke modes, its matrix (a b c d e f) and its segment count, and per segment
 * its type, point and whether it closes the subpath, the paths' segments one after
 * another.  A path that neither fills nor strokes gets no matrix and count 0; a path with
 * a segment of unknown type or without a point gets count -1 (the reader then leaves the
 * page to pdfplumber).  Return the segments used, or -1 when they do not fit. */
int page_paths(void **objects, int count, draw_mode_fn draw_mode, matrix_fn matrix,
               count_segments_fn count_segments, segment_fn segment,
               segment_type_fn segment_type, segment_point_fn segment_point,
               segment_close_fn segment_close, int *modes, float *matrices,
               int32_t *counts, int max_segments, int32_t *types, float *xs, float *ys,
               uint8_t *closes) {
  int used = 0;
  for (int p = 0; p < count; p++) {
    void *object = objects[p];
    int *mode = &modes[2 * p];
    float *m = &matrices[6 * p];
    mode[0] = mode[1] = 0; /* as fresh out-parameters: a failed call leaves zeros */
    memset(m, 0, 6 * sizeof(float));
    counts[p] = 0;
    draw_mode(object, &mode[0], &mode[1]);
    if (!(mode[0] || mode[1]))
      continue;
    matrix(object, m);
    int n = count_segments(object);
    if (n > 0 && used + n > max_segments)
      return -1;
    for (int i = 0; i < n; i++) {
      void *seg = segment(object, i);
      int kind = segment_type(seg);
      /* pdfium's LINETO 0, BEZIERTO 1, MOVETO 2; anything else is not mapped */
      if (kind < 0 || kind > 2 || !segment_point(seg, &xs[used + i], &ys[used + i])) {
        counts[p] = -1;
        break;
      }
      types[used + i] = kind;
      closes[used + i] = segment_close(seg) != 0;
    }
    if (counts[p] == -1)
      continue;
    counts[p] = n > 0 ? n : 0;
    used += counts[p];
  }
  return used;
}

#ifdef WITH_PYTHON
/* With Python's headers (built with -DWITH_PYTHON), the chars themselves are made here:
 * called through ctypes.PyDLL, so with the interpreter's lock held. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* Given a page's text (one char per pdfium char), what char_geometry filled, the font
 * names, the page height, the chars pdfium may generate, the texts that replace some
 * chars and the text of a glyph without Unicode, return the page's chars as new tuples
 * (text, x0, x1, top, doctop, bottom, size, fontname, upright; etl/readers/chars.py):
 * what _pdfium_chars in pdfium.py makes of the same values, char by char (NULL and a
 * Python error when the arguments do not fit). */
PyObject *char_tuples(PyObject *text, int count, const uint8_t *generated,
                      const float *left, const float *right, const double *origin_y,
                      const uint8_t *unmapped, const double *size,
                      const uint8_t *upright, const int32_t *font, PyObject *names,
                      double height, PyObject *generatable, PyObject *replacements,
                      PyObject *unreadable) {
  if (!PyUnicode_Check(text) || PyUnicode_GET_LENGTH(text) != count ||
      !PyList_Check(names) || !PyUnicode_Check(generatable) ||
      !PyDict_Check(replacements)) {
    PyErr_SetString(PyExc_ValueError, "char_tuples: arguments of the wrong kind");
    return NULL;
  }
  int kind = PyUnicode_KIND(text);
  const void *data = PyUnicode_DATA(text);
  Py_ssize_t n_names = PyList_GET_SIZE(names);
  Py_ssize_t n_generatable = PyUnicode_GET_LENGTH(generatable);
  PyObject *out = PyList_New(0);
  if (out == NULL)
    return NULL;
  for (int i = 0; i < count; i++) {
    Py_UCS4 ch = PyUnicode_READ(kind, data, i);
    if (generated[i] &&
        PyUnicode_FindChar(generatable, ch, 0, n_generatable, 1) >= 0)
      continue; /* a space or line break pdfium inferred, not in the file */
    Py_ssize_t at = font[i] < 0 ? n_names + font[i] : font[i]; /* as names[font] */
    if (at < 0 || at >= n_names) {
      PyErr_SetString(PyExc_IndexError, "char_tuples: font index out of range");
      goto fail;
    }
    PyObject *char_text;
    if (unmapped[i] || ch == 0) {
      char_text = unreadable;
      Py_INCREF(char_text);
    } else {
      char_text = PyUnicode_FromOrdinal((int)ch);
      if (char_text == NULL)
        goto fail;
      PyObject *swap = PyDict_GetItemWithError(replacements, char_text);
      if (swap != NULL) {
        Py_DECREF(char_text);
        char_text = swap;
        Py_INCREF(char_text);
      } else if (PyErr_Occurred()) {
        Py_DECREF(char_text);
        goto fail;
      }
    }
    double baseline = height - origin_y[i];
    PyObject *top = PyFloat_FromDouble(baseline - size[i]);
    PyObject *fontname = PyList_GET_ITEM(names, at);
    PyObject *flag = upright[i] ? Py_True : Py_False;
    Py_XINCREF(top); /* held twice: top and doctop */
    Py_INCREF(fontname);
    Py_INCREF(flag);
    PyObject *values[9] = {
        char_text,
        PyFloat_FromDouble((double)left[i]),
        PyFloat_FromDouble((double)right[i]),
        top,
        top,
        PyFloat_FromDouble(baseline),
        PyFloat_FromDouble(size[i]),
        fontname,
        flag,
    };
    PyObject *item = PyTuple_New(9);
    int failed = item == NULL;
    for (int k = 0; k < 9; k++) {
      if (values[k] == NULL)
        failed = 1;
      if (item != NULL)
        PyTuple_SET_ITEM(item, k, values[k]); /* steals the value (NULL: freed below) */
      else
        Py_XDECREF(values[k]);
    }
    if (!failed)
      failed = PyList_Append(out, item) < 0;
    Py_XDECREF(item);
    if (failed)
      goto fail;
  }
  return out;
fail:
  Py_DECREF(out);
  return NULL;
}
#endif
