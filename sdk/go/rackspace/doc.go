// Rackspace support and change tickets as Pulumi resources.
package rackspace
