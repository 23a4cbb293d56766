package main

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/image"
)

// loginFlags are login's and logout's flags.
type loginFlags struct {
	authFile, username, password string
	passwordStdin, getLogin      bool
	tlsVerify                    bool
}

func (f *loginFlags) options(cmd *cobra.Command) image.RegistryOptions {
	o := image.RegistryOptions{AuthFile: f.authFile}
	if cmd.Flags().Changed("tls-verify") {
		v := f.tlsVerify
		o.TLSVerify = &v
	}
	return o
}

func (a *app) loginCommand() *cobra.Command {
	var f loginFlags
	cmd := &cobra.Command{
		Use:   "login [flags] REGISTRY",
		Short: "Log in to a registry: check the credentials and store them in auth.json",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			if f.getLogin {
				user, err := eng.Images().LoginUser(args[0], f.options(cmd))
				if err == nil {
					fmt.Fprintln(a.out, user)
				}
				return err
			}
			if err := a.readCredentials(&f); err != nil {
				return err
			}
			if _, err := eng.Images().Login(a.ctx(cmd), args[0], f.username, f.password, f.options(cmd)); err != nil {
				return err
			}
			fmt.Fprintln(a.out, "Login Succeeded!")
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&f.authFile, "authfile", "", "path of the authentication file (default $REGISTRY_AUTH_FILE or auth.json)")
	fs.StringVarP(&f.username, "username", "u", "", "user name")
	fs.StringVarP(&f.password, "password", "p", "", "password (visible to other users: prefer --password-stdin)")
	fs.BoolVar(&f.passwordStdin, "password-stdin", false, "read the password from stdin")
	fs.BoolVar(&f.getLogin, "get-login", false, "print the user name stored for the registry")
	fs.BoolVar(&f.tlsVerify, "tls-verify", true, "require HTTPS and verify certificates (default: registries.conf decides)")
	return cmd
}

// readCredentials fills in what the flags left out: the password from
// stdin (--password-stdin), else prompts on the terminal.
func (a *app) readCredentials(f *loginFlags) error {
	if f.passwordStdin {
		if f.password != "" {
			return fmt.Errorf("--password-stdin and --password both given: %w", errdefs.ErrInvalidArgument)
		}
		if f.username == "" {
			return fmt.Errorf("--password-stdin needs --username: %w", errdefs.ErrInvalidArgument)
		}
		var b strings.Builder
		sc := bufio.NewScanner(a.in)
		for sc.Scan() {
			b.WriteString(sc.Text())
		}
		f.password = b.String()
		return sc.Err()
	}
	if f.username == "" {
		fmt.Fprint(a.out, "Username: ")
		line, err := bufio.NewReader(a.in).ReadString('\n')
		if f.username = strings.TrimSpace(line); f.username == "" {
			return fmt.Errorf("no user name given (%v): %w", err, errdefs.ErrInvalidArgument)
		}
	}
	if f.password == "" {
		if !term.IsTerminal(int(a.in.Fd())) {
			return fmt.Errorf("no password given: use --password-stdin or a terminal: %w", errdefs.ErrInvalidArgument)
		}
		fmt.Fprint(a.out, "Password: ")
		pw, err := term.ReadPassword(int(a.in.Fd()))
		fmt.Fprintln(a.out)
		if err != nil {
			return fmt.Errorf("reading the password: %w", err)
		}
		f.password = string(pw)
	}
	return nil
}

func (a *app) logoutCommand() *cobra.Command {
	var f loginFlags
	var all bool
	cmd := &cobra.Command{
		Use:   "logout [flags] REGISTRY",
		Short: "Log out of a registry: remove its credentials from auth.json",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if all == (len(args) == 1) {
				return fmt.Errorf("logout needs a registry or --all, not both: %w", errdefs.ErrInvalidArgument)
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			arg := ""
			if !all {
				arg = args[0]
			}
			key, err := eng.Images().Logout(arg, f.options(cmd))
			switch {
			case err != nil:
				return err
			case all:
				fmt.Fprintln(a.out, "Removed login credentials for all registries")
			default:
				fmt.Fprintf(a.out, "Removed login credentials for %s\n", key)
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&f.authFile, "authfile", "", "path of the authentication file (default $REGISTRY_AUTH_FILE or auth.json)")
	fs.BoolVarP(&all, "all", "a", false, "remove the credentials of every registry")
	return cmd
}
