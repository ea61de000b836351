package jitter

import "errors"

// ErrConfig reports a Config that New cannot use.
var ErrConfig = errors.New("jitter: invalid configuration")
