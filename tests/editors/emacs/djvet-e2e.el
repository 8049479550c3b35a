;;; djvet-e2e.el --- batch end-to-end check of djvet with Eglot  -*- lexical-binding: t; -*-
;;
;; Usage (tests/editors/test_eglot.py runs it):
;;   emacs --batch -l djvet-e2e.el --eval '(djvet-e2e "/abs/bookshop/catalog/services.py")'
;; Env: DJVET_SERVER_CMD (JSON list: the server command).  Not -Q: on Debian the
;; site-start files put elpa-eglot on the load-path.  Exit status 0 = pass.
;;
;; Loads editors/emacs/djvet-eglot.el (the documented set-up: `eglot-ensure' from the
;; mode hook), opens the file with the settings in
;; `eglot-workspace-configuration' (`select' = DJV101, asked for by the server with
;; workspace/configuration); waits for the DJV101 finding on `book.author' in Flymake;
;; applies djvet's quick fix through `eglot-code-actions' (the prompt between
;; "DJV101: Add ..." and "Ignore DJV101 for this line" answered by a stub, as a user
;; would pick); saves; checks the file; waits for the DJV101 findings to go.
;;
;; Batch-mode traps (see the editor recipes): no command loop, so `post-command-hook'
;; is run by hand; Flymake waits for the buffer to be shown (`find-file'); idle timers
;; never fire, so Eglot's debounced didChange is flushed by the save.

(require 'eglot)
(require 'flymake)
(require 'json)
(require 'python)
(require 'subr-x)

(defvar djvet-e2e-command (append (json-read-from-string (getenv "DJVET_SERVER_CMD")) nil))
(defconst djvet-e2e-fixed
  "for book in Book.objects.select_related(\"author\", \"publisher\").all():")

;; The set-up users copy: editors/emacs/djvet-eglot.el, with the test's server command.
(setq djvet-eglot-command djvet-e2e-command)
(load (expand-file-name "../../../editors/emacs/djvet-eglot.el"
                        (file-name-directory (or load-file-name buffer-file-name)))
      nil t)
(setq-default eglot-workspace-configuration '(:djvet (:select ["DJV101"])))
(setq eglot-sync-connect 30
      eglot-connect-timeout 60
      eglot-autoshutdown t
      make-backup-files nil
      auto-save-default nil
      create-lockfiles nil)
(when (boundp 'eglot-confirm-server-edits)            ; Eglot >= 1.16
  (setq eglot-confirm-server-edits nil))
(when (boundp 'eglot-confirm-server-initiated-edits)  ; older Eglot
  (setq eglot-confirm-server-initiated-edits nil))

(defvar djvet-e2e-t0 (float-time))
(defvar djvet-e2e-offered nil "Titles of the code actions Eglot offered.")

(defun djvet-e2e-log (fmt &rest args)
  (princ (format "[%5d ms] %s\n" (round (* 1000 (- (float-time) djvet-e2e-t0)))
                 (apply #'format fmt args))))

(defun djvet-e2e-fail (fmt &rest args)
  (djvet-e2e-log "FAIL: %s" (apply #'format fmt args))
  (ignore-errors
    (with-current-buffer (eglot-events-buffer (eglot-current-server))
      (princ (buffer-substring-no-properties (max (point-min) (- (point-max) 6000)) (point-max)))))
  (kill-emacs 1))

(defun djvet-e2e-wait (predicate timeout)
  "Run the command loop's hook and read process output until PREDICATE or TIMEOUT."
  (let ((deadline (+ (float-time) timeout)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (run-hooks 'post-command-hook)
      (accept-process-output nil 0.05))
    (funcall predicate)))

(defun djvet-e2e-diagnostics ()
  (mapcar #'flymake-diagnostic-text (flymake-diagnostics)))

(defun djvet-e2e-find (needle)
  (seq-find (lambda (d) (string-match-p (regexp-quote needle) (flymake-diagnostic-text d)))
            (flymake-diagnostics)))

(defun djvet-e2e-pick (_prompt collection &rest _)
  "Stands in for the user at Eglot's code-action prompt: take djvet's DJV101 fix."
  (let ((titles (if (functionp collection) (all-completions "" collection)
                  (mapcar (lambda (c) (if (consp c) (car c) c)) collection))))
    (setq djvet-e2e-offered titles)
    (or (seq-find (lambda (title) (string-prefix-p "DJV101: Add" title)) titles)
        (djvet-e2e-fail "no DJV101 fix among %S" titles))))

(defun djvet-e2e (file)
  (setq djvet-e2e-t0 (float-time))
  (condition-case err
      (with-current-buffer (find-file file)
        (djvet-e2e-log "Emacs %s, %s, server %S" emacs-version major-mode djvet-e2e-command)
        ;; `find-file' ran python-mode-hook, so `eglot-ensure' has scheduled the connection.
        (unless (djvet-e2e-wait (lambda () (bound-and-true-p eglot--managed-mode)) 60)
          (djvet-e2e-fail "eglot did not connect"))
        (djvet-e2e-log "eglot connected: %S" (eglot--server-info (eglot-current-server)))
        ;; 1. the finding on `book.author' reaches Flymake
        (unless (djvet-e2e-wait (lambda () (djvet-e2e-find "`book.author`")) 60)
          (djvet-e2e-fail "no DJV101 on book.author; Flymake has %S" (djvet-e2e-diagnostics)))
        (let* ((all (djvet-e2e-diagnostics))
               (d (djvet-e2e-find "`book.author`"))
               (beg (flymake-diagnostic-beg d)))
          (unless (seq-every-p (lambda (text) (string-match-p "DJV101" text)) all)
            (djvet-e2e-fail "settings not applied (select = DJV101), got %S" all))
          (djvet-e2e-log "Flymake: %d findings, all DJV101 (select from eglot-workspace-configuration)"
                         (length all))
          (djvet-e2e-log "line %d: %s" (line-number-at-pos beg) (flymake-diagnostic-text d))
          ;; 2. quick fix through Eglot's command; the fix edits the loop on another line
          (goto-char beg)
          ;; A keyboard event as the last one (M-x, not a mouse click): Eglot then asks
          ;; with `completing-read' instead of a popup menu.
          (let ((last-nonmenu-event ?\C-m))
            (cl-letf (((symbol-function 'completing-read) #'djvet-e2e-pick))
              (eglot-code-actions beg (flymake-diagnostic-end d) "quickfix" t)))
          (unless (djvet-e2e-wait (lambda () (save-excursion
                                               (goto-char (point-min))
                                               (search-forward djvet-e2e-fixed nil t)))
                                  15)
            (djvet-e2e-fail "quick fix not applied; offered %S" djvet-e2e-offered))
          (djvet-e2e-log "offered: %s" (string-join djvet-e2e-offered " | "))
          (djvet-e2e-log "quick fix applied: %s" djvet-e2e-fixed))
        ;; 3. save (this also flushes the debounced didChange) and check the disk
        (save-buffer)
        (unless (string-match-p (regexp-quote djvet-e2e-fixed)
                                (with-temp-buffer (insert-file-contents file) (buffer-string)))
          (djvet-e2e-fail "file on disk unchanged"))
        (djvet-e2e-log "saved; file on disk rewritten")
        ;; 4. the server re-checks: both DJV101 findings of export_rows are gone
        (unless (djvet-e2e-wait (lambda () (not (or (djvet-e2e-find "`book.author`")
                                                   (djvet-e2e-find "`book.publisher`"))))
                                30)
          (djvet-e2e-fail "DJV101 still reported: %S" (djvet-e2e-diagnostics)))
        (djvet-e2e-log "PASS: DJV101 fixed and gone (%d other findings left)"
                       (length (flymake-diagnostics)))
        (eglot-shutdown (eglot-current-server))
        (kill-emacs 0))
    (error (djvet-e2e-fail "error: %S" err))))

;;; djvet-e2e.el ends here
