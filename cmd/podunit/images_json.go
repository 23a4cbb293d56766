package main

import (
	"context"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/image"
)

// imageJSON is one image of `images --format json`, with podman-images(1)'s
// keys: one entry per image, not per tag, its ID in full.
type imageJSON struct {
	ID          string `json:"Id"`
	ParentID    string `json:"ParentId"`
	RepoTags    []string
	RepoDigests []string
	Size        int64
	SharedSize  int64
	VirtualSize int64
	Labels      map[string]string
	Containers  int
	Names       []string
	Digest      string
	History     []string
	Created     int64
	CreatedAt   string
}

func imageJSONs(ctx context.Context, eng *engine.Engine, list []image.Summary) ([]imageJSON, error) {
	out := []imageJSON{}
	for _, s := range list {
		info, err := eng.Images().Inspect(ctx, s.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, imageJSON{ID: s.ID, RepoTags: s.Names, RepoDigests: info.RepoDigests,
			Size: s.Size, VirtualSize: s.Size, Labels: info.Labels, Containers: s.Containers,
			Names: s.Names, Digest: s.Digest, History: s.Names, Created: s.Created.Unix(),
			CreatedAt: s.Created.Format("2006-01-02T15:04:05Z07:00")})
	}
	return out, nil
}
