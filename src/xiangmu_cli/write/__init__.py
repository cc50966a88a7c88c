"""Writing ledgers without losing a byte: the event commands' edits and xm fmt, round-trip and
atomic, under the ledger lock.

Imports the layers below it (``base`` … ``output``). Its modules, lowest first:

Shared by the edits and xm fmt
    ``comments``      where a YAML text's comments are (the one finder)
    ``indent``        shifting lines left or right (the one implementation)

The edits (``edit`` is their public face: the event functions, ``apply``, ``diff``, ``EditPlan``)
    ``plan``          EditPlan, EditError
    ``args``          the event commands' arguments, checked
    ``scalars``       values as YAML scalars that read back as themselves
    ``document``      the positional document: a text, its node tree, edits at offsets
    ``pairs``         a mapping's keys: set, insert, delete (comments kept), reorder
    ``lists``         appending a list item in the list's style
    ``projects``      a file's 项目 list: a project's item, cutting and appending its block
    ``files``         reading a file to edit (BOM, CRLF, lone CR kept)
    ``verify``        reloading a copy with the new texts; the verified plan
    ``find``          the project an event is for, and its file opened for editing
    ``apply``         writing a plan under the lock; the diff of --dry-run
    ``moves``         开工, 入统, 落地: a project moved to another ledger
    ``in_place``      竣工, 走访, 问题: edits where the project is
    ``escalate``      问题升级: a dated 升级 appended to a problem
    ``invest``        完成投资 of a month
    ``new_projects``  new projects appended (xm import)
    ``updates``       完成投资, 以前月份完成投资 and 形象进度 of many projects (xm import --update)
    ``edit``          the public face

xm fmt (``fmt`` is its public face: files, ``format_text``, ``FormatError``)
    ``fmt_shape``     the canonical key order, from the models
    ``fmt_source``    the text, its node tree and its comments
    ``fmt_tree``      the layout tree: blocks of entries with their comments
    ``fmt_values``    one value copied as written (block scalars, flow collections)
    ``fmt_build``     building the tree; whose comment is whose
    ``fmt_emit``      writing the tree in the canonical layout
    ``fmt_text``      one text formatted and checked
    ``fmt``           the public face: files, under the lock
"""
