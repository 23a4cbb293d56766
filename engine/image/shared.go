package image

import "fmt"

// SharedSizes is, for each image ID, the size of its layers that another
// image has too (system df -v's SHARED SIZE).
func (s *Store) SharedSizes() (map[string]int64, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	imgs, err := s.store.Images()
	if err != nil {
		return nil, fmt.Errorf("listing images: %w", err)
	}
	holders := map[string]int{} // layer ID: how many images have it
	sizes := map[string]int64{}
	chains := map[string][]string{}
	for _, img := range imgs {
		chain, err := s.layerChain(img.TopLayer)
		if err != nil {
			return nil, fmt.Errorf("image %s: %w", img.ID, err)
		}
		for _, l := range chain {
			holders[l.ID]++
			sizes[l.ID] = l.UncompressedSize
			chains[img.ID] = append(chains[img.ID], l.ID)
		}
	}
	shared := make(map[string]int64, len(imgs))
	for id, chain := range chains {
		for _, l := range chain {
			if holders[l] > 1 {
				shared[id] += sizes[l]
			}
		}
	}
	return shared, nil
}
