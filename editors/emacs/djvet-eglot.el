;;; djvet-eglot.el --- run the djvet language server with Eglot  -*- lexical-binding: t; -*-
;;
;; Copy this file onto your `load-path' and add to your init file:
;;   (require 'djvet-eglot)
;; Emacs 29+ has Eglot built in; on Debian's Emacs 28, `apt install elpa-eglot'.
;; Settings (the keys of docs/editors.md) go in `eglot-workspace-configuration', e.g. in
;; the project's .dir-locals.el:
;;   ((nil . ((eglot-workspace-configuration
;;             . (:djvet (:severity (:DJV201 "warning") :diagnosticMode "workspace"))))))
;; tests/editors/test_eglot.py loads this file in a batch Emacs and applies a quick fix.

(require 'eglot)

(defvar djvet-eglot-command '("djvet" "server")
  "The command that starts the djvet language server, e.g. (\".venv/bin/djvet\" \"server\").
Set it before loading this file.")

(add-to-list 'eglot-server-programs `((python-mode python-ts-mode) . ,djvet-eglot-command))
(add-hook 'python-mode-hook #'eglot-ensure)
(add-hook 'python-ts-mode-hook #'eglot-ensure)

(provide 'djvet-eglot)
;;; djvet-eglot.el ends here
