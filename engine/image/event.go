package image

// EventHook is told of each change to the stored images: status is pull,
// tag, untag or remove; name is the reference the change concerns.
type EventHook func(status, id, name string)

// SetEventHook makes hook hear of every later change.
func (s *Store) SetEventHook(hook EventHook) { s.hook = hook }

func (s *Store) event(status, id, name string) {
	if s.hook != nil {
		s.hook(status, id, name)
	}
}
