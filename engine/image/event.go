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

// MountersHook maps each image that containers mount as a file system
// (--mount type=image) to their names: they keep it in use as the
// containers it is the rootfs of do.
type MountersHook func() (map[string][]string, error)

// SetMountersHook makes Remove and Prune ask hook before deleting an image.
func (s *Store) SetMountersHook(hook MountersHook) { s.mounters = hook }

// mounted maps image IDs to the names of the containers that mount them.
func (s *Store) mounted() (map[string][]string, error) {
	if s.mounters == nil {
		return nil, nil
	}
	return s.mounters()
}
